import Foundation
import OCI
import PostgresNIO
import Storage

/// What retention reads (spec/registry.md, "Retention"): tags and manifests with their times, and pull times, which
/// arrive in batches so a pull costs no write of its own; and retention's guarded deletions.
extension PostgresMetadataStore {
    public func recordPulls(_ pulls: [ManifestPull]) async throws {
        guard !pulls.isEmpty else { return }
        let (repositories, digests, times) = (pulls.map(\.repository.value), pulls.map(\.digest.description), pulls.map(\.at))
        try await write { transaction in
            // The rows are locked in key order first, so two replicas flushing overlapping batches wait for each other
            // instead of deadlocking; the update then keeps each manifest's latest pull (several may be in one batch).
            try await transaction.rows("""
                SELECT 1 FROM manifests WHERE (repository, digest) IN (SELECT * FROM unnest(\(repositories), \(digests)))
                ORDER BY repository, digest FOR UPDATE
                """)
            try await transaction.rows("""
                UPDATE manifests m SET pulled_at = greatest(m.pulled_at, p.at)
                FROM (SELECT repository, digest, max(at) AS at FROM unnest(\(repositories), \(digests), \(times)) AS u(repository, digest, at)
                      GROUP BY repository, digest) p
                WHERE m.repository = p.repository AND m.digest = p.digest
                """)
        }
    }

    public func contents(repository: RepositoryName) async throws -> RepositoryContents {
        let name = repository.value
        return try await snapshot { transaction in
            let tags = try await transaction.rows("SELECT name, digest, pushed_at FROM tags WHERE repository = \(name) ORDER BY name").compactMap { row in
                let (tag, digest, pushedAt) = try row.decode((String, String, Date).self)
                guard let tag = Tag(tag), let digest = Digest(digest) else { return nil as RepositoryContents.TagEntry? }
                return RepositoryContents.TagEntry(tag: tag, digest: digest, pushedAt: pushedAt)
            }
            var children: [String: [Digest]] = [:]
            for row in try await transaction.rows("""
                SELECT manifest, target FROM manifest_references WHERE repository = \(name) AND is_manifest ORDER BY manifest, target
                """) {
                let (parent, child) = try row.decode((String, String).self)
                if let child = Digest(child) { children[parent, default: []].append(child) }
            }
            let manifests = try await transaction.rows("""
                SELECT digest, pushed_at, pulled_at, subject FROM manifests WHERE repository = \(name) ORDER BY digest
                """).compactMap { row -> RepositoryContents.ManifestEntry? in
                let (text, pushedAt, pulledAt, subject) = try row.decode((String, Date, Date?, String?).self)
                guard let digest = Digest(text) else { return nil }
                return RepositoryContents.ManifestEntry(digest: digest, pushedAt: pushedAt, pulledAt: pulledAt,
                                                        subject: subject.flatMap { Digest($0) }, children: children[text] ?? [])
            }
            return RepositoryContents(tags: tags, manifests: manifests)
        }
    }

    public func deleteUnreferenced(repository: RepositoryName, tags: [Tag: Digest], manifests: [Digest]) async throws -> RetentionDeleted {
        let name = repository.value
        return try await write { transaction in
            var deleted = RetentionDeleted(tags: [], manifests: [])
            guard try await transaction.lockRepository(repository, creating: false) != nil else { return deleted }
            for (tag, digest) in tags.sorted(by: { $0.key.value < $1.key.value }) {
                if try await transaction.exists("""
                    DELETE FROM tags WHERE repository = \(name) AND name = \(tag.value) AND digest = \(digest.description) RETURNING 1
                    """) {
                    deleted.tags.append(tag)
                }
            }
            // An index before the children it lists: a child stays while any manifest still lists it, so passes repeat
            // until one deletes nothing.
            var remaining = manifests
            while true {
                var next: [Digest] = []
                for digest in remaining {
                    let kept = try await transaction.exists("""
                        SELECT 1 WHERE EXISTS (SELECT 1 FROM tags WHERE repository = \(name) AND digest = \(digest.description))
                           OR EXISTS (SELECT 1 FROM manifest_references WHERE repository = \(name) AND target = \(digest.description) AND is_manifest)
                        """)
                    if kept {
                        next.append(digest)
                    } else if try await transaction.deleteManifest(repository, digest) {
                        deleted.manifests.append(digest)
                    }
                }
                if next.count == remaining.count { break }
                remaining = next
            }
            deleted.manifests.sort { $0.description < $1.description }
            return deleted
        }
    }
}
