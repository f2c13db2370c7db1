import Foundation
import WireFormats

/// The canonical line (spec/audit.md, "Canonical encoding"): one JSON object, keys in byte order, no whitespace,
/// strings as canonical JSON writes them, absent optionals left out, `seq` a decimal integer, `time` RFC 3339 UTC to the
/// millisecond. Written by hand because the chain hashes these exact bytes: a general JSON encoder promises no byte
/// layout, and a verifier in any language must be able to rebuild it from the spec alone.
extension AuditRecord {
    public func canonicalLine() -> [UInt8] {
        var out: [UInt8] = []
        // A pull's line is about 330 bytes: one allocation, no growth.
        out.reserveCapacity(512)
        func key(_ name: StaticString, first: Bool = false) {
            out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            out.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        key("action", first: true)
        CanonicalJSONString.write(event.action.rawValue, to: &out)
        key("actor")
        CanonicalJSONString.write(event.actor, to: &out)
        if let address = event.address {
            key("address")
            CanonicalJSONString.write(address, to: &out)
        }
        if !event.details.isEmpty {
            key("details")
            out.append(UInt8(ascii: "{"))
            for (n, name) in event.details.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                CanonicalJSONString.write(name, to: &out)
                out.append(UInt8(ascii: ":"))
                CanonicalJSONString.write(event.details[name]!, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        if let object = event.object {
            key("object")
            CanonicalJSONString.write(object, to: &out)
        }
        key("outcome")
        CanonicalJSONString.write(event.outcome.rawValue, to: &out)
        key("prev")
        out.append(UInt8(ascii: "\""))
        Hex.write(previous.bytes, to: &out)
        out.append(UInt8(ascii: "\""))
        if let repository = event.repository {
            key("repository")
            CanonicalJSONString.write(repository, to: &out)
        }
        key("seq")
        out.append(contentsOf: String(sequence).utf8)
        key("time")
        out.append(UInt8(ascii: "\""))
        AuditTime.write(event.time, to: &out)
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: "}"))
        return out
    }

    private struct Wire: Decodable {
        let action: String
        let actor: String
        let address: String?
        let details: [String: String]?
        let object: String?
        let outcome: String
        let prev: String
        let repository: String?
        let seq: UInt64
        let time: String
    }

    init(decodingLine bytes: [UInt8]) throws(AuditLineError) {
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(bytes))
        } catch {
            throw AuditLineError("not a record: \(error)")
        }
        guard let action = AuditAction(rawValue: wire.action) else { throw AuditLineError("unknown action \(wire.action)") }
        guard let outcome = AuditOutcome(rawValue: wire.outcome) else { throw AuditLineError("unknown outcome \(wire.outcome)") }
        guard let previous = AuditHash(hex: wire.prev) else { throw AuditLineError("prev is not a SHA-256 in hex") }
        guard let time = AuditTime.parse(wire.time) else { throw AuditLineError("time is not RFC 3339 UTC to the millisecond") }
        self.init(sequence: wire.seq, previous: previous, event: AuditEvent(
            time: time, actor: wire.actor, address: wire.address, action: action, outcome: outcome, repository: wire.repository,
            object: wire.object, details: wire.details ?? [:]))
    }
}
