extension PostgresSchema {
    /// The keys every replica signs with (tokens, audit checkpoints): created once by the first replica that asks.
    static let coordination: [PostgresMigration] = [
        PostgresMigration(id: "coordination-1", statements: [
            "CREATE TABLE berth_shared_keys (name text PRIMARY KEY, pem text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())",
        ]),
    ]
}
