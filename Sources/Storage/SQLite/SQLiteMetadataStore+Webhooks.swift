import Foundation

extension SQLiteMetadataStore: WebhookOutboxStore {
    static let webhookOutboxSchema = """
        CREATE TABLE IF NOT EXISTS webhook_cursors (
            webhook TEXT PRIMARY KEY,
            delivered INTEGER NOT NULL,
            failures INTEGER NOT NULL,
            last_error TEXT,
            last_attempt REAL,
            last_delivered REAL
        ) WITHOUT ROWID;
        """

    public func webhookCursors() async throws -> [WebhookCursor] {
        try await read { connection in
            try connection.query(
                "SELECT webhook, delivered, failures, last_error, last_attempt, last_delivered FROM webhook_cursors ORDER BY webhook"
            ).compactMap { row in
                guard let webhook = row[0].string, let delivered = row[1].int, let failures = row[2].int else { return nil }
                // SQLite integers are signed: the sequence is stored as its bit pattern, so every UInt64 comes back as written.
                return WebhookCursor(webhook: webhook, delivered: UInt64(bitPattern: delivered), failures: Int(failures), lastError: row[3].string,
                                     lastAttempt: row[4].double.map { Date(timeIntervalSince1970: $0) },
                                     lastDelivered: row[5].double.map { Date(timeIntervalSince1970: $0) })
            }
        }
    }

    public func saveWebhookCursor(_ cursor: WebhookCursor) async throws {
        try await write { connection in
            try connection.query(
                """
                INSERT INTO webhook_cursors (webhook, delivered, failures, last_error, last_attempt, last_delivered) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (webhook) DO UPDATE SET delivered = excluded.delivered, failures = excluded.failures,
                    last_error = excluded.last_error, last_attempt = excluded.last_attempt, last_delivered = excluded.last_delivered
                """,
                [.text(cursor.webhook), .integer(Int64(bitPattern: cursor.delivered)), .integer(Int64(cursor.failures)),
                 cursor.lastError.map { .text($0) } ?? .null, cursor.lastAttempt.map { .real($0.timeIntervalSince1970) } ?? .null,
                 cursor.lastDelivered.map { .real($0.timeIntervalSince1970) } ?? .null])
        }
    }

    public func removeWebhookCursors(keeping names: Set<String>) async throws {
        try await write { connection in
            for webhook in try connection.query("SELECT webhook FROM webhook_cursors").compactMap({ $0[0].string }) where !names.contains(webhook) {
                try connection.query("DELETE FROM webhook_cursors WHERE webhook = ?", [.text(webhook)])
            }
        }
    }
}
