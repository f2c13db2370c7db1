import AuditRecords
import WireFormats

/// One audit record as a CloudEvent 1.0 in the structured JSON format (spec/webhooks.md, "Events"): the body of one
/// delivery, the same bytes on every attempt.
public struct WebhookEvent: Sendable, Hashable {
    public static let contentType = "application/cloudevents+json; charset=utf-8"

    /// The record's hash (the SHA-256 of its canonical line, in hex): unique to the record, so a receiver can drop a
    /// repeated delivery by `source` and `id`, even across a log started anew under the same `source` (its sequence
    /// numbers start again at 1, its hashes do not). It is also what the next record names as `prev`.
    public let id: String
    /// `dev.berth.` and the action: `dev.berth.manifest-push`.
    public let type: String
    public let subject: String?
    public let body: [UInt8]

    /// `source` identifies this registry: a URI reference such as `https://registry.example.com`.
    public init(_ line: AuditLine, source: String) {
        let event = line.record.event
        id = line.hash.description
        type = "dev.berth." + event.action.rawValue
        subject = Self.subject(of: event)
        // Written by hand so `data` is the canonical line byte for byte: a receiver can hash it and check it against the
        // chain, which a re-encoding by a JSON library would not allow.
        var out: [UInt8] = []
        out.reserveCapacity(line.bytes.count + 256)
        func member(_ name: String, _ value: String, first: Bool = false) {
            out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            CanonicalJSONString.write(name, to: &out)
            out.append(UInt8(ascii: ":"))
            CanonicalJSONString.write(value, to: &out)
        }
        member("specversion", "1.0", first: true)
        member("id", id)
        member("source", source)
        member("type", type)
        if let subject { member("subject", subject) }
        member("time", AuditTime.string(event.time))
        member("datacontenttype", "application/json")
        out.append(contentsOf: Array(#","data":"#.utf8))
        out.append(contentsOf: line.bytes)
        out.append(UInt8(ascii: "}"))
        body = out
    }

    /// What the record is about, for routing without reading `data`: the repository with its object, `team/app:1.0` for a
    /// tag or `team/app@sha256:…` for a digest (a tag never holds a colon, a digest always does); the repository alone;
    /// or, outside any repository, the object alone (a robot's name, a commit). None when the record names neither.
    static func subject(of event: AuditEvent) -> String? {
        guard let repository = event.repository else { return event.object }
        guard let object = event.object else { return repository }
        return repository + (object.contains(":") ? "@" : ":") + object
    }
}
