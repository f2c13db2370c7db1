import Foundation
import Storage

/// One webhook's delivery state, as the admin API shows it. Never holds the secret.
public struct WebhookStatus: Sendable, Hashable, Codable {
    public var name: String
    public var url: String
    /// Every record up to this sequence is delivered or skipped.
    public var delivered: UInt64
    /// Failed attempts since the last delivery.
    public var failures: Int
    public var lastError: String?
    public var lastAttempt: Date?
    public var lastDelivered: Date?
    /// When the record that failed is tried again; none while nothing is waiting on a failure.
    public var nextAttempt: Date?

    /// Spelled out so the admin API's JSON keys stay as they are if a property is renamed.
    enum CodingKeys: String, CodingKey {
        case name, url, delivered, failures, lastError, lastAttempt, lastDelivered, nextAttempt
    }

    public init(name: String, url: String, delivered: UInt64, failures: Int, lastError: String?, lastAttempt: Date?,
                lastDelivered: Date?, nextAttempt: Date?) {
        self.name = name
        self.url = url
        self.delivered = delivered
        self.failures = failures
        self.lastError = lastError
        self.lastAttempt = lastAttempt
        self.lastDelivered = lastDelivered
        self.nextAttempt = nextAttempt
    }

    init(target: WebhookTarget, cursor: WebhookCursor, nextAttempt: Date?) {
        self.init(name: target.name, url: target.url.absoluteString, delivered: cursor.delivered, failures: cursor.failures,
                  lastError: cursor.lastError, lastAttempt: cursor.lastAttempt, lastDelivered: cursor.lastDelivered, nextAttempt: nextAttempt)
    }
}
