/// The registry's metadata (`PostgresMetadataStore`'s `MetadataStore` conformance): the tables of
/// `SQLiteMetadataStore` in PostgreSQL. Names, tags and digests are `COLLATE "C"`, so listings and `after` pages
/// order by bytes as the embedded store does ("B" before "a"), whatever the database's collation.
extension PostgresSchema {
    static let metadata: [PostgresMigration] = [
        PostgresMigration(id: "metadata-1", statements: [
            // A repository's row is its writers' lock (`SELECT … FOR UPDATE`): every transaction that changes its
            // manifests, tags, references or usage takes it first. `usage_bytes` lives here so the quota is read and
            // raised under that lock.
            """
            CREATE TABLE repositories (
                name text COLLATE "C" PRIMARY KEY,
                created_at timestamptz NOT NULL DEFAULT now(),
                usage_bytes bigint NOT NULL DEFAULT 0
            )
            """,
            """
            CREATE TABLE repository_blobs (
                repository text COLLATE "C" NOT NULL,
                digest text COLLATE "C" NOT NULL,
                size bigint NOT NULL,
                linked_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (repository, digest)
            )
            """,
            "CREATE INDEX repository_blobs_by_digest ON repository_blobs (digest)",
            """
            CREATE TABLE manifests (
                repository text COLLATE "C" NOT NULL,
                digest text COLLATE "C" NOT NULL,
                media_type text NOT NULL,
                content bytea NOT NULL,
                subject text COLLATE "C",
                artifact_type text,
                annotations text,
                pushed_at timestamptz NOT NULL,
                pulled_at timestamptz,
                PRIMARY KEY (repository, digest)
            )
            """,
            "CREATE INDEX manifests_by_subject ON manifests (repository, subject) WHERE subject IS NOT NULL",
            """
            CREATE TABLE manifest_references (
                repository text COLLATE "C" NOT NULL,
                manifest text COLLATE "C" NOT NULL,
                target text COLLATE "C" NOT NULL,
                is_manifest boolean NOT NULL,
                PRIMARY KEY (repository, manifest, target)
            )
            """,
            "CREATE INDEX manifest_references_by_target ON manifest_references (repository, target)",
            """
            CREATE TABLE tags (
                repository text COLLATE "C" NOT NULL,
                name text COLLATE "C" NOT NULL,
                digest text COLLATE "C" NOT NULL,
                pushed_at timestamptz NOT NULL,
                PRIMARY KEY (repository, name)
            )
            """,
            "CREATE INDEX tags_by_digest ON tags (repository, digest)",
            """
            CREATE TABLE uploads (
                id text PRIMARY KEY,
                repository text NOT NULL,
                started_at timestamptz NOT NULL
            )
            """,
            """
            CREATE TABLE blob_deletions (
                digest text COLLATE "C" PRIMARY KEY,
                started_at timestamptz NOT NULL DEFAULT now()
            )
            """,
        ]),
    ]
}
