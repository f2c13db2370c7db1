extension PostgresSchema {
    static let configuration: [PostgresMigration] = [
        PostgresMigration(id: "configuration-1", statements: [
            """
            CREATE TABLE configuration_revisions (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now(),
                actor text NOT NULL,
                commit_id text,
                author text,
                summary text NOT NULL,
                change_count integer NOT NULL,
                fingerprint_before text NOT NULL,
                fingerprint_after text NOT NULL,
                plan text
            )
            """,
            // Kinds and names in byte order (COLLATE "C"), as Swift compares them, whatever the database's locale.
            """
            CREATE TABLE configuration_objects (
                kind text COLLATE "C" NOT NULL,
                name text COLLATE "C" NOT NULL,
                spec text NOT NULL,
                revision bigint NOT NULL REFERENCES configuration_revisions (id),
                PRIMARY KEY (kind, name)
            )
            """,
        ]),
    ]
}
