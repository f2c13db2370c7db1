import Foundation
import NIOPosix
import OCI
import PostgresNIO
import Storage

/// Garbage collection's side of the metadata (spec/registry.md, "Garbage collection"): which links nothing references,
/// which blobs no repository links, and the deletion markers that keep a blob from being linked while its file goes.
///
/// A marker and a link of the same digest must never both exist, though replicas link while a collector marks. Both
/// sides first take a transaction-scoped advisory lock on the digest (`lockBlob`), then read, then write: whichever
/// comes second sees what the first committed and refuses (a link throws `blobCollected`; a marking returns false).
extension PostgresMetadataStore {
    public func unlinkUnreferencedBlobs(linkedBefore cutoff: Date, dryRun: Bool) async throws -> UnlinkedBlobs {
        try await write { transaction in
            // The repositories holding candidate links, locked in name order (so two collectors cannot deadlock, and a
            // writer holds one repository lock at most): no manifest of theirs starts referencing a link between the
            // check below and its deletion. A dry run deletes nothing, so it locks nothing.
            let repositories = try await transaction.rows("""
                SELECT name FROM repositories
                WHERE name IN (SELECT repository FROM repository_blobs WHERE linked_at <= \(cutoff))
                ORDER BY name \(unescaped: dryRun ? "" : "FOR UPDATE")
                """).map { try $0.decode(String.self) }
            // The links to remove, wrapped in the statement that reads or deletes them.
            func unreferenced(_ before: String, _ after: String) -> PostgresQuery {
                """
                \(unescaped: before)
                SELECT b.repository, b.digest FROM repository_blobs b
                WHERE b.repository = ANY(\(repositories)) AND b.linked_at <= \(cutoff)
                  AND NOT EXISTS (SELECT 1 FROM manifest_references r
                                  WHERE r.repository = b.repository AND r.target = b.digest AND NOT r.is_manifest)
                \(unescaped: after)
                """
            }
            // Digests every link of which goes: after the unlinking, no repository links them. A candidate list only:
            // `beginBlobDeletion` checks again under the digest's lock before anything is deleted.
            let orphaned = try await transaction.rows(unreferenced("WITH doomed AS (", """
                )
                SELECT DISTINCT d.digest FROM doomed d
                WHERE NOT EXISTS (SELECT 1 FROM repository_blobs k WHERE k.digest = d.digest
                                  AND (k.repository, k.digest) NOT IN (SELECT repository, digest FROM doomed))
                """)).compactMap { Digest(try $0.decode(String.self)) }
            if dryRun {
                let links = try await transaction.rows(unreferenced("SELECT count(*) FROM (", ") doomed")).first?.decode(Int64.self) ?? 0
                return UnlinkedBlobs(links: Int(links), orphaned: Set(orphaned))
            }
            let removed = try await transaction.rows(unreferenced("DELETE FROM repository_blobs WHERE (repository, digest) IN (", ") RETURNING 1"))
            return UnlinkedBlobs(links: removed.count, orphaned: Set(orphaned))
        }
    }

    public func linkedBlobDigests() async throws -> Set<Digest> {
        Set(try await rows("SELECT DISTINCT digest FROM repository_blobs").compactMap { Digest(try $0.decode(String.self)) })
    }

    public func beginBlobDeletion(_ digest: Digest) async throws -> Bool {
        try await write { transaction in
            try await transaction.lockBlob(digest)
            guard try await !transaction.exists("SELECT 1 FROM repository_blobs WHERE digest = \(digest.description) LIMIT 1") else {
                return false
            }
            try await transaction.rows("INSERT INTO blob_deletions (digest) VALUES (\(digest.description)) ON CONFLICT (digest) DO NOTHING")
            return true
        }
    }

    public func endBlobDeletion(_ digest: Digest) async throws {
        try await rows("DELETE FROM blob_deletions WHERE digest = \(digest.description)")
    }

    public func blobDeletionsInProgress() async throws -> [Digest] {
        try await rows("SELECT digest FROM blob_deletions ORDER BY digest").compactMap { Digest(try $0.decode(String.self)) }
    }
}

extension MetadataTransaction {
    /// Holds the digest's advisory lock until the transaction ends. The statements after it see whatever the previous
    /// holder committed. Keys are two 32-bit hashes (a key space apart from the single 64-bit keys of the migration lock
    /// and the job leases), the first naming the schema, so registries sharing a database do not wait on each other; a
    /// collision between two digests only makes them take turns.
    func lockBlob(_ digest: Digest) async throws {
        try await rows("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '/berth-blob'), hashtext(\(digest.description)))")
    }

    /// Inside a linking transaction: refuses a blob whose file garbage collection is deleting, or has deleted. The
    /// marker covers the deletion itself; `isPresent`, asked inside the same transaction (under the digest's lock, so
    /// no marking can start meanwhile), covers a deletion that finished after the linker found the file in place.
    /// `isPresent` may block (object storage answers over the network), so it runs on NIO's thread pool rather than on
    /// one of the few threads every task shares.
    func requireLinkable(_ digest: Digest, isPresent: @escaping @Sendable () -> Bool) async throws {
        try await lockBlob(digest)
        guard try await !exists("SELECT 1 FROM blob_deletions WHERE digest = \(digest.description)"),
              try await NIOThreadPool.singleton.runIfActive(isPresent)
        else { throw MetadataError.blobCollected(digest) }
    }
}
