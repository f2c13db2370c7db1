extension PostgresSchema {
    static let audit: [PostgresMigration] = [
        PostgresMigration(id: "audit-1", statements: [
            // Each record's canonical line, byte for byte, by its sequence.
            "CREATE TABLE audit_records (sequence bigint PRIMARY KEY, line bytea NOT NULL)",
            // Retention's units: runs of records, the next opened at a record of a later UTC day than the unit's first.
            // Removal takes whole units, oldest first, so what stays always begins where a unit does.
            """
            CREATE TABLE audit_units (
                first_sequence bigint PRIMARY KEY,
                last_sequence bigint NOT NULL,
                opened_at timestamptz NOT NULL,
                newest timestamptz NOT NULL
            )
            """,
            // The chain's end, one row: every append locks it (FOR UPDATE), so appends from several replicas take turns
            // and each checks that it continues the head the one before it left.
            """
            CREATE TABLE audit_head (
                singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                sequence bigint NOT NULL,
                hash bytea NOT NULL
            )
            """,
            "INSERT INTO audit_head (sequence, hash) VALUES (0, decode(repeat('00', 32), 'hex'))",
            // `time` as the text the signature covers (AuditTime), so a checkpoint reads back exactly as signed.
            """
            CREATE TABLE audit_checkpoints (
                position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                sequence bigint NOT NULL,
                head bytea NOT NULL,
                time text NOT NULL,
                signature text NOT NULL
            )
            """,
            """
            CREATE TABLE audit_anchor (
                singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                sequence bigint NOT NULL,
                head bytea NOT NULL,
                time text NOT NULL,
                signature text NOT NULL
            )
            """,
        ]),
    ]
}
