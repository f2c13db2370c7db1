import OCI
import PostgresNIO
import Storage

/// Repository usage (spec/storage.md, "Usage"): the total size of the distinct blobs a repository's manifests
/// reference, kept in `repositories.usage_bytes` by the transactions that add and remove references, never by
/// rescanning. Those transactions hold the repository's row lock, so concurrent replicas add and subtract in turn
/// and a quota read under the lock stays true until the put that checked it commits.
extension PostgresMetadataStore {
    public func usage() async throws -> [RepositoryName: Int64] {
        var usage: [RepositoryName: Int64] = [:]
        for row in try await rows("SELECT name, usage_bytes FROM repositories WHERE usage_bytes > 0") {
            let (name, bytes) = try row.decode((String, Int64).self)
            if let name = RepositoryName(name) { usage[name] = bytes }
        }
        return usage
    }

    public func usage(repository: RepositoryName) async throws -> Int64 {
        try await rows("SELECT usage_bytes FROM repositories WHERE name = \(repository.value)").first?.decode(Int64.self) ?? 0
    }
}

extension MetadataTransaction {
    /// Locks the repository's row until the transaction ends and returns its usage; nil when the repository does not
    /// exist and `creating` is false. Every writer of a repository's manifests, tags, references and usage takes this
    /// lock first, so writers of one repository run one at a time across replicas (what the embedded store's single
    /// writer gives), while other repositories and blob links go on in parallel. Statements after it see everything
    /// the previous holder committed (read committed takes a snapshot per statement).
    func lockRepository(_ repository: RepositoryName, creating: Bool) async throws -> Int64? {
        if creating { try await ensureRepository(repository) }
        return try await rows("SELECT usage_bytes FROM repositories WHERE name = \(repository.value) FOR UPDATE").first?.decode(Int64.self)
    }

    /// Creates the repository's row if missing. Waits only when another transaction is creating the same row.
    func ensureRepository(_ repository: RepositoryName) async throws {
        try await rows("INSERT INTO repositories (name) VALUES (\(repository.value)) ON CONFLICT (name) DO NOTHING")
    }

    func addUsage(_ repository: RepositoryName, _ bytes: Int64) async throws {
        guard bytes != 0 else { return }
        try await rows("UPDATE repositories SET usage_bytes = usage_bytes + \(bytes) WHERE name = \(repository.value)")
    }

    /// The linked size of each of `blobs` no manifest of the repository references: what they add to its usage when a
    /// manifest starts referencing them, or give back when the last one stops.
    func unreferencedBytes(_ repository: RepositoryName, _ blobs: [String]) async throws -> Int64 {
        guard !blobs.isEmpty else { return 0 }
        return try await rows("""
            SELECT coalesce(sum(b.size), 0)::bigint FROM repository_blobs b
            WHERE b.repository = \(repository.value) AND b.digest = ANY(\(blobs))
              AND NOT EXISTS (SELECT 1 FROM manifest_references r
                              WHERE r.repository = b.repository AND r.target = b.digest AND NOT r.is_manifest)
            """).first?.decode(Int64.self) ?? 0
    }
}
