import OCI

/// Repository usage (spec/storage.md, "Usage"): the total size of the distinct blobs a repository's manifests
/// reference, kept in `repository_usage` by the transactions that add and remove references, never by rescanning.
extension SQLiteMetadataStore {
    static let usageSchema = """
        CREATE TABLE IF NOT EXISTS repository_usage (
            repository TEXT PRIMARY KEY,
            bytes INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS manifest_references_by_target ON manifest_references (repository, target);
        """

    /// Fills `repository_usage` once for a database written before it existed: when it is empty but references exist.
    static let usageBackfill = """
        INSERT INTO repository_usage (repository, bytes)
        SELECT r.repository, SUM(b.size)
        FROM (SELECT DISTINCT repository, target FROM manifest_references WHERE is_manifest = 0) r
        JOIN repository_blobs b ON b.repository = r.repository AND b.digest = r.target
        GROUP BY r.repository;
        """

    /// Creates the usage table, and fills it when a database written before it existed already holds references.
    static func prepareUsage(_ connection: SQLiteConnection) throws {
        try connection.execute(usageSchema)
        if try connection.query("SELECT 1 FROM repository_usage LIMIT 1").isEmpty,
           try !connection.query("SELECT 1 FROM manifest_references WHERE is_manifest = 0 LIMIT 1").isEmpty {
            try connection.execute(usageBackfill)
        }
    }

    public func usage() async throws -> [RepositoryName: Int64] {
        try await read { connection in
            var usage: [RepositoryName: Int64] = [:]
            for row in try connection.query("SELECT repository, bytes FROM repository_usage WHERE bytes > 0") {
                if let name = row[0].string.flatMap({ RepositoryName($0) }), let bytes = row[1].int { usage[name] = bytes }
            }
            return usage
        }
    }

    public func usage(repository: RepositoryName) async throws -> Int64 {
        try await read { connection in try Self.usage(connection, repository) }
    }

    static func usage(_ connection: SQLiteConnection, _ repository: RepositoryName) throws -> Int64 {
        try connection.query("SELECT bytes FROM repository_usage WHERE repository = ?", [.text(repository.value)]).first?[0].int ?? 0
    }

    static func addUsage(_ connection: SQLiteConnection, _ repository: RepositoryName, _ bytes: Int64) throws {
        guard bytes != 0 else { return }
        try connection.query(
            "INSERT INTO repository_usage (repository, bytes) VALUES (?, ?) ON CONFLICT (repository) DO UPDATE SET bytes = bytes + excluded.bytes",
            [.text(repository.value), .integer(bytes)])
    }

    /// The bytes `blobs` add to the repository's usage: the linked size of each one no manifest of it references yet.
    static func newlyReferencedBytes(_ connection: SQLiteConnection, _ repository: RepositoryName, _ blobs: Set<Digest>) throws -> Int64 {
        var bytes: Int64 = 0
        for blob in blobs where try !isReferenced(connection, repository, blob) {
            bytes += try linkedSize(connection, repository, blob) ?? 0
        }
        return bytes
    }

    static func isReferenced(_ connection: SQLiteConnection, _ repository: RepositoryName, _ blob: Digest) throws -> Bool {
        try !connection.query("SELECT 1 FROM manifest_references WHERE repository = ? AND target = ? AND is_manifest = 0 LIMIT 1",
                              [.text(repository.value), .text(blob.description)]).isEmpty
    }

    static func linkedSize(_ connection: SQLiteConnection, _ repository: RepositoryName, _ blob: Digest) throws -> Int64? {
        try connection.query("SELECT size FROM repository_blobs WHERE repository = ? AND digest = ?",
                             [.text(repository.value), .text(blob.description)]).first?[0].int
    }
}
