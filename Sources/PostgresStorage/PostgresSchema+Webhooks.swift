extension PostgresSchema {
    static let webhooks: [PostgresMigration] = [
        // `delivered` is an audit sequence (UInt64) kept as its bit pattern, so every value comes back as written.
        // Names in byte order (COLLATE "C"), as Swift compares them, whatever the database's locale.
        PostgresMigration(id: "webhooks-1", statements: [
            """
            CREATE TABLE webhook_cursors (
                webhook text COLLATE "C" PRIMARY KEY,
                delivered bigint NOT NULL,
                failures integer NOT NULL,
                last_error text,
                last_attempt timestamptz,
                last_delivered timestamptz
            )
            """,
        ]),
    ]
}
