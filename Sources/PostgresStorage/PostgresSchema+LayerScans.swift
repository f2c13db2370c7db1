extension PostgresSchema {
    static let layerScans: [PostgresMigration] = [
        PostgresMigration(id: "layer-scans-1", statements: [
            """
            CREATE TABLE layer_scans (
                digest text NOT NULL,
                scanner text NOT NULL,
                report bytea NOT NULL,
                scanned_at timestamptz NOT NULL,
                PRIMARY KEY (digest, scanner)
            )
            """,
        ]),
    ]
}
