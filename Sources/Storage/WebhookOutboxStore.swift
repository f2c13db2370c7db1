import Foundation

/// How far one webhook's deliveries have come: every audit record up to `delivered` was delivered to it, or skipped
/// because its filter did not match. What a restart resumes from, and what the admin API's webhook status shows.
public struct WebhookCursor: Sendable, Hashable, Codable {
    /// The webhook's name, as declared.
    public var webhook: String
    /// Every record up to this sequence is delivered or skipped; 0 before the first.
    public var delivered: UInt64
    /// Failed attempts since the last delivery (0 once one succeeds).
    public var failures: Int
    /// Why the last attempt failed ("HTTP 503", a connection error): never a secret, never the receiver's response body.
    public var lastError: String?
    public var lastAttempt: Date?
    public var lastDelivered: Date?

    public init(webhook: String, delivered: UInt64, failures: Int = 0, lastError: String? = nil, lastAttempt: Date? = nil,
                lastDelivered: Date? = nil) {
        self.webhook = webhook
        self.delivered = delivered
        self.failures = failures
        self.lastError = lastError
        self.lastAttempt = lastAttempt
        self.lastDelivered = lastDelivered
    }
}

/// The webhooks' outbox: one cursor per webhook into the audit log, which is the queue itself. A cursor saved after each
/// delivery is what makes delivery at-least-once across restarts: at most the record in flight is sent again.
///
/// Every driver passes `WebhookOutboxStoreConformance`.
public protocol WebhookOutboxStore: Sendable {
    /// Every stored cursor, in webhook name order.
    func webhookCursors() async throws -> [WebhookCursor]
    /// Stores `cursor`, replacing the webhook's earlier one; durable when it returns.
    func saveWebhookCursor(_ cursor: WebhookCursor) async throws
    /// Removes the cursors of every webhook not in `names`: what a webhook no longer declared leaves behind.
    func removeWebhookCursors(keeping names: Set<String>) async throws
}
