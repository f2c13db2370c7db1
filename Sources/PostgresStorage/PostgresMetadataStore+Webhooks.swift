import Foundation
import PostgresNIO
import Storage

extension PostgresMetadataStore: WebhookOutboxStore {
    public func webhookCursors() async throws -> [WebhookCursor] {
        let rows = try await database.query(
            "SELECT webhook, delivered, failures, last_error, last_attempt, last_delivered FROM webhook_cursors ORDER BY webhook")
        var cursors: [WebhookCursor] = []
        for try await (webhook, delivered, failures, lastError, lastAttempt, lastDelivered)
            in rows.decode((String, Int64, Int, String?, Date?, Date?).self) {
            // bigint is signed: the sequence is stored as its bit pattern, so every UInt64 comes back as written.
            cursors.append(WebhookCursor(webhook: webhook, delivered: UInt64(bitPattern: delivered), failures: failures, lastError: lastError,
                                         lastAttempt: lastAttempt, lastDelivered: lastDelivered))
        }
        return cursors
    }

    public func saveWebhookCursor(_ cursor: WebhookCursor) async throws {
        try await database.query(
            """
            INSERT INTO webhook_cursors (webhook, delivered, failures, last_error, last_attempt, last_delivered)
            VALUES (\(cursor.webhook), \(Int64(bitPattern: cursor.delivered)), \(cursor.failures), \(cursor.lastError), \(cursor.lastAttempt),
                    \(cursor.lastDelivered))
            ON CONFLICT (webhook) DO UPDATE SET delivered = excluded.delivered, failures = excluded.failures,
                last_error = excluded.last_error, last_attempt = excluded.last_attempt, last_delivered = excluded.last_delivered
            """)
    }

    public func removeWebhookCursors(keeping names: Set<String>) async throws {
        try await database.query("DELETE FROM webhook_cursors WHERE NOT (webhook = ANY(\(Array(names))))")
    }
}
