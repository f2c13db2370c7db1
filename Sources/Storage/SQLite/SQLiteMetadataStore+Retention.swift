import Foundation
import OCI

/// What retention reads (spec/registry.md, "Retention"): tags and manifests with their times, and pull times, which
/// arrive in batches so a pull costs no write of its own.
extension SQLiteMetadataStore {
    /// Adds `pulled_at` to a manifests table created before pulls were tracked.
    static func preparePullTimes(_ connection: SQLiteConnection) throws {
        let columns = try connection.query("PRAGMA table_info(manifests)").compactMap { $0[1].string }
        if !columns.contains("pulled_at") { try connection.execute("ALTER TABLE manifests ADD COLUMN pulled_at INTEGER") }
    }

    public func recordPulls(_ pulls: [ManifestPull]) async throws {
        guard !pulls.isEmpty else { return }
        try await writer.submit { connection in
            for pull in pulls {
                try connection.query(
                    "UPDATE manifests SET pulled_at = max(coalesce(pulled_at, 0), ?) WHERE repository = ? AND digest = ?",
                    [.integer(Int64(pull.at.timeIntervalSince1970)), .text(pull.repository.value), .text(pull.digest.description)])
            }
        }
    }

    public func contents(repository: RepositoryName) async throws -> RepositoryContents {
        try await read { connection in
            let binds: [SQLiteValue] = [.text(repository.value)]
            let tags = try connection.query("SELECT name, digest, updated_at FROM tags WHERE repository = ? ORDER BY name", binds).compactMap { row in
                guard let tag = row[0].string.flatMap({ Tag($0) }), let digest = row[1].string.flatMap({ Digest($0) }), let at = row[2].double else { return nil as RepositoryContents.TagEntry? }
                return RepositoryContents.TagEntry(tag: tag, digest: digest, pushedAt: Date(timeIntervalSince1970: TimeInterval(at)))
            }
            var children: [Digest: [Digest]] = [:]
            for row in try connection.query("SELECT manifest, target FROM manifest_references WHERE repository = ? AND is_manifest = 1", binds) {
                if let parent = row[0].string.flatMap({ Digest($0) }), let child = row[1].string.flatMap({ Digest($0) }) {
                    children[parent, default: []].append(child)
                }
            }
            let manifests = try connection.query("SELECT digest, pushed_at, pulled_at, subject FROM manifests WHERE repository = ? ORDER BY digest", binds)
                .compactMap { row -> RepositoryContents.ManifestEntry? in
                    guard let digest = row[0].string.flatMap({ Digest($0) }), let pushed = row[1].double else { return nil }
                    return RepositoryContents.ManifestEntry(
                        digest: digest, pushedAt: Date(timeIntervalSince1970: TimeInterval(pushed)),
                        pulledAt: row[2].int.map { Date(timeIntervalSince1970: TimeInterval($0)) },
                        subject: row[3].string.flatMap { Digest($0) }, children: (children[digest] ?? []).sorted { $0.description < $1.description })
                }
            return RepositoryContents(tags: tags, manifests: manifests)
        }
    }
}

extension SQLiteMetadataStore {
    public func deleteUnreferenced(repository: RepositoryName, tags: [Tag: Digest], manifests: [Digest]) async throws -> RetentionDeleted {
        try await writer.submit { connection in
            let name = SQLiteValue.text(repository.value)
            var deleted = RetentionDeleted(tags: [], manifests: [])
            for (tag, digest) in tags.sorted(by: { $0.key.value < $1.key.value }) {
                try connection.query("DELETE FROM tags WHERE repository = ? AND name = ? AND digest = ?", [name, .text(tag.value), .text(digest.description)])
                if connection.changes > 0 { deleted.tags.append(tag) }
            }
            // An index before the children it lists: a child stays while any manifest still lists it, so passes repeat
            // until one deletes nothing.
            var remaining = manifests
            while true {
                var next: [Digest] = []
                for digest in remaining {
                    let binds: [SQLiteValue] = [name, .text(digest.description)]
                    let tagged = try !connection.query("SELECT 1 FROM tags WHERE repository = ? AND digest = ? LIMIT 1", binds).isEmpty
                    let listed = try !connection.query("SELECT 1 FROM manifest_references WHERE repository = ? AND target = ? AND is_manifest = 1 LIMIT 1", binds).isEmpty
                    if tagged || listed {
                        next.append(digest)
                    } else if try Self.deleteManifest(connection, repository, digest) {
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
