extension PostgresSchema {
    static let vulnerabilities: [PostgresMigration] = [
        PostgresMigration(id: "vulnerabilities-1", statements: [
            // Ids in byte order (COLLATE "C"), as the protocol lists them, whatever the database's locale.
            #"CREATE TABLE vulnerability_advisories (id text COLLATE "C" PRIMARY KEY, body bytea NOT NULL)"#,
            """
            CREATE TABLE vulnerability_imports (
                version bigint PRIMARY KEY,
                imported_at timestamptz NOT NULL,
                advisories integer NOT NULL,
                counts_by_ecosystem jsonb NOT NULL,
                sources text[] NOT NULL
            )
            """,
        ]),
    ]
}
