import AuditRecords
import Foundation

/// One receiver of audit records: where they go, which of them, and the key that signs them.
///
/// Not `Hashable`: the filter is a function. Its descriptions leave the secret out, so a target can be logged or put in
/// an error whole.
public struct WebhookTarget: Sendable {
    /// Unique among targets: the key of its cursor, its metrics and its status.
    public var name: String
    public var url: URL
    /// Which records it receives; the others are skipped (its cursor still moves past them).
    public var matches: @Sendable (AuditRecord) -> Bool
    /// The HMAC-SHA256 key of `X-Berth-Signature`.
    public var secret: [UInt8]
    /// How long a delivery may wait for its answer, connecting included.
    public var timeout: Duration

    public init(name: String, url: URL, secret: [UInt8], timeout: Duration = .seconds(10),
                matches: @escaping @Sendable (AuditRecord) -> Bool = { _ in true }) {
        self.name = name
        self.url = url
        self.secret = secret
        self.timeout = timeout
        self.matches = matches
    }
}

extension WebhookTarget: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "WebhookTarget(name: \(name), url: \(url.absoluteString), secret: <redacted>, timeout: \(timeout))" }
    public var debugDescription: String { description }
    /// What `dump` and the debugger show: every field but the secret's bytes.
    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "url": url, "secret": "<redacted>", "timeout": timeout], displayStyle: .struct)
    }
}
