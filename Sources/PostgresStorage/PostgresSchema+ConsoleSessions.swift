extension PostgresSchema {
    static let consoleSessions: [PostgresMigration] = [
        // `key` is the SHA-256 of the session cookie, never the cookie.
        PostgresMigration(id: "console-sessions-1", statements: [
            """
            CREATE TABLE console_sessions (
                key bytea PRIMARY KEY,
                identity text COLLATE "C" NOT NULL,
                credential text NOT NULL,
                started timestamptz NOT NULL,
                last_seen timestamptz NOT NULL
            )
            """,
            "CREATE INDEX console_sessions_identity ON console_sessions (identity)",
            "CREATE INDEX console_sessions_last_seen ON console_sessions (last_seen)",
        ]),
    ]
}
