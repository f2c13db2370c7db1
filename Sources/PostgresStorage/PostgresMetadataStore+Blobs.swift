import OCI
import PostgresNIO
import Storage

/// Which repository holds which blob. A link needs no repository lock: it changes no usage (a blob counts once a
/// manifest references it), and a manifest put sees it or not, both of which are an order the writes could have had.
extension PostgresMetadataStore {
    public func blobSize(repository: RepositoryName, digest: Digest) async throws -> Int64? {
        try await rows("SELECT size FROM repository_blobs WHERE repository = \(repository.value) AND digest = \(digest.description)")
            .first?.decode(Int64.self)
    }

    public func repositoriesHolding(blob digest: Digest) async throws -> [RepositoryName] {
        try await rows("SELECT repository FROM repository_blobs WHERE digest = \(digest.description) ORDER BY repository")
            .compactMap { RepositoryName(try $0.decode(String.self)) }
    }

    public func linkBlob(repository: RepositoryName, digest: Digest, size: Int64, ifPresent isPresent: @escaping @Sendable () -> Bool) async throws {
        try await write { transaction in
            try await transaction.requireLinkable(digest, isPresent: isPresent)
            try await transaction.link(repository: repository, digest: digest, size: size)
        }
    }

    public func unlinkBlob(repository: RepositoryName, digest: Digest) async throws -> Bool {
        try await write { transaction in
            guard try await transaction.lockRepository(repository, creating: false) != nil else { return false }
            let removed = try await transaction.rows("""
                DELETE FROM repository_blobs b WHERE b.repository = \(repository.value) AND b.digest = \(digest.description)
                RETURNING b.size, EXISTS (SELECT 1 FROM manifest_references r
                                          WHERE r.repository = b.repository AND r.target = b.digest AND NOT r.is_manifest)
                """)
            guard let (size, referenced) = try removed.first?.decode((Int64, Bool).self) else { return false }
            // A blob still referenced stops counting once it is no longer the repository's.
            if referenced { try await transaction.addUsage(repository, -size) }
            return true
        }
    }
}

extension MetadataTransaction {
    /// Links a blob (again: a second link of it keeps the first one's size and time). Call after `requireLinkable`.
    func link(repository: RepositoryName, digest: Digest, size: Int64) async throws {
        try await ensureRepository(repository)
        try await rows("""
            INSERT INTO repository_blobs (repository, digest, size) VALUES (\(repository.value), \(digest.description), \(size))
            ON CONFLICT (repository, digest) DO NOTHING
            """)
    }
}
