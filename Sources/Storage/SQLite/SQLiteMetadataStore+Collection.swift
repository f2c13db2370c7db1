import Foundation
import OCI

/// Garbage collection's side of the metadata (spec/registry.md, "Garbage collection"): which links nothing references,
/// which blobs no repository links, and the deletion markers that keep a blob from being linked while its file goes.
extension SQLiteMetadataStore {
    static let collectionSchema = """
        CREATE TABLE IF NOT EXISTS blob_deletions (
            digest TEXT PRIMARY KEY,
            started_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        """

    public func unlinkUnreferencedBlobs(linkedBefore cutoff: Date, dryRun: Bool) async throws -> UnlinkedBlobs {
        try await writer.submit { connection in
            let unreferenced = """
                linked_at <= ? AND NOT EXISTS (SELECT 1 FROM manifest_references r
                    WHERE r.repository = repository_blobs.repository AND r.target = repository_blobs.digest AND r.is_manifest = 0)
                """
            let cutoffValue = SQLiteValue.integer(Int64(cutoff.timeIntervalSince1970))
            // Digests every link of which goes: after the unlinking, no repository links them.
            let orphaned = Set(try connection.query(
                "SELECT digest FROM repository_blobs GROUP BY digest HAVING SUM(CASE WHEN \(unreferenced) THEN 0 ELSE 1 END) = 0",
                [cutoffValue]).compactMap { $0[0].string.flatMap { Digest($0) } })
            if dryRun {
                let links = Int(try connection.query("SELECT COUNT(*) FROM repository_blobs WHERE \(unreferenced)", [cutoffValue]).first?[0].int ?? 0)
                return UnlinkedBlobs(links: links, orphaned: orphaned)
            }
            try connection.query("DELETE FROM repository_blobs WHERE \(unreferenced)", [cutoffValue])
            return UnlinkedBlobs(links: connection.changes, orphaned: orphaned)
        }
    }

    public func linkedBlobDigests() async throws -> Set<Digest> {
        try await read { connection in
            Set(try connection.query("SELECT DISTINCT digest FROM repository_blobs").compactMap { $0[0].string.flatMap { Digest($0) } })
        }
    }

    public func beginBlobDeletion(_ digest: Digest) async throws -> Bool {
        try await writer.submit { connection in
            let value = SQLiteValue.text(digest.description)
            guard try connection.query("SELECT 1 FROM repository_blobs WHERE digest = ? LIMIT 1", [value]).isEmpty else { return false }
            try connection.query("INSERT OR IGNORE INTO blob_deletions (digest, started_at) VALUES (?, ?)",
                                 [value, .integer(Int64(Date().timeIntervalSince1970))])
            return true
        }
    }

    public func endBlobDeletion(_ digest: Digest) async throws {
        try await writer.submit { connection in
            try connection.query("DELETE FROM blob_deletions WHERE digest = ?", [.text(digest.description)])
        }
    }

    public func blobDeletionsInProgress() async throws -> [Digest] {
        try await read { connection in
            try connection.query("SELECT digest FROM blob_deletions ORDER BY digest").compactMap { $0[0].string.flatMap { Digest($0) } }
        }
    }

    /// Inside a linking transaction: refuses a blob whose file garbage collection is deleting, or has deleted. The
    /// marker covers the deletion itself; `isPresent`, asked inside the same transaction, covers a deletion that
    /// finished after the linker found the file in place (an upload that kept the existing file instead of its own).
    static func requireLinkable(_ connection: SQLiteConnection, _ digest: Digest, isPresent: () -> Bool) throws {
        guard try connection.query("SELECT 1 FROM blob_deletions WHERE digest = ?", [.text(digest.description)]).isEmpty, isPresent() else {
            throw MetadataError.blobCollected(digest)
        }
    }
}
