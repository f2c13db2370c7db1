extension PostgresSchema {
    static let access: [PostgresMigration] = [
        // Only a digest of each token and the token sealed to its consumer: nothing here opens a robot's account.
        // Robots in byte order (COLLATE "C"), as Swift compares names, whatever the database's locale.
        PostgresMigration(id: "access-1", statements: [
            """
            CREATE TABLE robot_credentials (
                robot text COLLATE "C" PRIMARY KEY,
                digest text NOT NULL,
                issued_at timestamptz NOT NULL,
                expires_at timestamptz NOT NULL,
                recipient text NOT NULL,
                sealed text NOT NULL,
                previous_digest text,
                previous_valid_until timestamptz
            )
            """,
        ]),
    ]
}
