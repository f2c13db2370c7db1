import Foundation
import NIOCore
import Reconciler
import Storage

/// A compact form of the live state for large configurations, which `berth plan --registry` asks for: 60,000
/// objects cost a second of JSON encoding on the server and half a second of decoding in the client, and
/// splitting lines costs almost nothing.
///
///     berth-live-state/v1 TAB <fingerprint> LF
///     <image counts as a JSON object> LF
///     <kind> TAB <name> TAB <spec, canonical JSON> LF      (one line an object)
///
/// Canonical JSON escapes every control character and names are validated, so neither holds a raw tab or line feed.
public enum LiveStateLines {
    public static let mediaType = "application/vnd.berth.live-state.v1+tsv"
    private static let magic = "berth-live-state/v1"

    public static func encode(_ state: LiveState) throws -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(state.objects.reduce(256) { $0 + $1.kind.utf8.count + $1.name.utf8.count + $1.spec.utf8.count + 3 })
        try write([magic, state.fingerprint], to: &buffer)
        buffer.writeBytes(try AdminWire.encoder.encode(state.imageCounts))
        buffer.writeInteger(UInt8(ascii: "\n"))
        for object in state.objects { try write([object.kind, object.name, object.spec], to: &buffer) }
        return buffer
    }

    private static func write(_ fields: [String], to buffer: inout ByteBuffer) throws {
        for (index, field) in fields.enumerated() {
            if field.utf8.contains(where: { $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\n") }) {
                throw ReconciliationError("live state field holds a tab or line feed; it cannot be sent as lines")
            }
            if index > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
            buffer.writeString(field)
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    public static func decode(_ data: Data) throws -> LiveState {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> LiveState in
            let bytes = raw.bindMemory(to: UInt8.self)
            var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)[...]
            func fields(_ line: Slice<UnsafeBufferPointer<UInt8>>, _ count: Int) throws -> [String] {
                let parts = line.split(separator: UInt8(ascii: "\t"), maxSplits: count - 1, omittingEmptySubsequences: false)
                guard parts.count == count else { throw ReconciliationError("malformed live state: a line has \(parts.count) fields, expected \(count)") }
                return parts.map { String(decoding: $0, as: UTF8.self) }
            }
            guard let header = lines.popFirst(), let counts = lines.popFirst() else { throw ReconciliationError("malformed live state: no header") }
            let head = try fields(header, 2)
            guard head[0] == magic else { throw ReconciliationError("malformed live state: unknown format '\(head[0])'") }
            let imageCounts = try AdminWire.decoder.decode([String: Int].self, from: Data(counts))
            var objects: [ConfigurationObject] = []
            objects.reserveCapacity(lines.count)
            for line in lines {
                let parts = try fields(line, 3)
                objects.append(ConfigurationObject(kind: parts[0], name: parts[1], spec: parts[2]))
            }
            return LiveState(objects: objects, fingerprint: head[1], imageCounts: imageCounts)
        }
    }
}
