import Foundation
import OCI
import PostgresNIO
import Storage

/// Manifests, their references and tags. Every write locks the repository's row first (`lockRepository`), so what a
/// put checks (references present, fixed tags unmoved, the quota) still holds when it commits, whichever replica
/// writes next.
extension PostgresMetadataStore {
    static let manifestColumns = "digest, media_type, content, subject, artifact_type, annotations"

    /// A row of `manifestColumns`; nil when its digest does not read back.
    static func decodeManifest(_ row: PostgresRow, repository: RepositoryName) throws -> ManifestRecord? {
        let (digest, mediaType, content, subject, artifactType, annotations) = try row.decode((String, String, ByteBuffer, String?, String?, String?).self)
        guard let digest = Digest(digest) else { return nil }
        return ManifestRecord(
            repository: repository, digest: digest, mediaType: mediaType, content: Array(content.readableBytesView),
            subject: subject.flatMap { Digest($0) }, artifactType: artifactType,
            annotations: annotations.flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) })
    }

    public func manifest(repository: RepositoryName, reference: Reference) async throws -> ManifestRecord? {
        let query: PostgresQuery = switch reference {
        case .digest(let digest):
            "SELECT \(unescaped: Self.manifestColumns) FROM manifests WHERE repository = \(repository.value) AND digest = \(digest.description)"
        case .tag(let tag):
            """
            SELECT \(unescaped: Self.manifestColumns) FROM manifests
            WHERE repository = \(repository.value) AND digest = (SELECT digest FROM tags WHERE repository = \(repository.value) AND name = \(tag.value))
            """
        }
        return try await rows(query).first.flatMap { try Self.decodeManifest($0, repository: repository) }
    }

    public func putManifest(_ put: ManifestPut) async throws {
        let record = put.record
        let repository = record.repository.value
        let blobs = Set(put.blobs).map(\.description).sorted()
        let children = Set(put.manifests).map(\.description).sorted()
        let annotations = try record.annotations.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        try await write { transaction in
            let used = try await transaction.lockRepository(record.repository, creating: true) ?? 0
            let linked = Set(try await transaction.rows(
                "SELECT digest FROM repository_blobs WHERE repository = \(repository) AND digest = ANY(\(blobs))").map { try $0.decode(String.self) })
            let held = Set(try await transaction.rows(
                "SELECT digest FROM manifests WHERE repository = \(repository) AND digest = ANY(\(children))").map { try $0.decode(String.self) })
            let missing = Set(put.blobs).filter { !linked.contains($0.description) }.union(Set(put.manifests).filter { !held.contains($0.description) })
            guard missing.isEmpty else { throw MetadataError.missingReferences(missing.sorted()) }

            let fixed = put.fixedTags.intersection(put.tags).map(\.value)
            if !fixed.isEmpty, let moved = try await transaction.rows("""
                SELECT name FROM tags WHERE repository = \(repository) AND name = ANY(\(fixed)) AND digest <> \(record.digest.description)
                ORDER BY name LIMIT 1
                """).first, let tag = Tag(try moved.decode(String.self)) {
                throw MetadataError.tagFixed(tag)
            }

            // Usage grows by the blobs no manifest of the repository referenced before.
            let adding = try await transaction.unreferencedBytes(record.repository, blobs)
            if adding > 0 {
                if let quota = put.quota, used + adding > quota { throw MetadataError.quotaExceeded(used: used, adding: adding) }
                try await transaction.addUsage(record.repository, adding)
            }
            // The push time is the database's clock at the statement (one clock for every replica, and pushes made
            // one after the other under the lock keep their order, which `now()`, the transaction's start, would not).
            try await transaction.rows("""
                INSERT INTO manifests (repository, digest, media_type, content, subject, artifact_type, annotations, pushed_at)
                VALUES (\(repository), \(record.digest.description), \(record.mediaType), \(ByteBuffer(bytes: record.content)),
                        \(record.subject?.description), \(record.artifactType), \(annotations), clock_timestamp())
                ON CONFLICT (repository, digest) DO NOTHING
                """)
            if !blobs.isEmpty || !children.isEmpty {
                try await transaction.rows("""
                    INSERT INTO manifest_references (repository, manifest, target, is_manifest)
                    SELECT \(repository), \(record.digest.description), target, is_manifest
                    FROM unnest(\(blobs + children), \(blobs.map { _ in false } + children.map { _ in true })) AS t(target, is_manifest)
                    ON CONFLICT DO NOTHING
                    """)
            }
            let tags = Set(put.tags).map(\.value).sorted()
            if !tags.isEmpty {
                try await transaction.rows("""
                    INSERT INTO tags (repository, name, digest, pushed_at)
                    SELECT \(repository), name, \(record.digest.description), clock_timestamp() FROM unnest(\(tags)) AS name
                    ON CONFLICT (repository, name) DO UPDATE SET digest = excluded.digest, pushed_at = excluded.pushed_at
                    """)
            }
        }
    }

    public func deleteManifest(repository: RepositoryName, digest: Digest) async throws -> Bool {
        try await write { transaction in
            guard try await transaction.lockRepository(repository, creating: false) != nil else { return false }
            return try await transaction.deleteManifest(repository, digest)
        }
    }

    public func deleteTag(repository: RepositoryName, tag: Tag) async throws -> Bool {
        try await write { transaction in
            guard try await transaction.lockRepository(repository, creating: false) != nil else { return false }
            return try await transaction.exists("DELETE FROM tags WHERE repository = \(repository.value) AND name = \(tag.value) RETURNING 1")
        }
    }

    public func tags(repository: RepositoryName, pointingAt digest: Digest) async throws -> [Tag] {
        try await rows("SELECT name FROM tags WHERE repository = \(repository.value) AND digest = \(digest.description) ORDER BY name")
            .compactMap { Tag(try $0.decode(String.self)) }
    }

    public func tags(repository: RepositoryName, after last: String?, limit: Int?) async throws -> [String]? {
        try await snapshot { transaction in
            guard try await transaction.exists("SELECT 1 FROM repositories WHERE name = \(repository.value)") else { return nil }
            // `LIMIT NULL` is no limit.
            return try await transaction.rows("""
                SELECT name FROM tags WHERE repository = \(repository.value) AND name > \(last ?? "") ORDER BY name LIMIT \(limit.map(Int64.init))
                """).map { try $0.decode(String.self) }
        }
    }

    public func referrers(repository: RepositoryName, subject: Digest) async throws -> [Descriptor] {
        try await rows("""
            SELECT \(unescaped: Self.manifestColumns) FROM manifests WHERE repository = \(repository.value) AND subject = \(subject.description)
            ORDER BY digest
            """).compactMap { try Self.decodeManifest($0, repository: repository)?.descriptor }
    }

    public func manifests(repository: RepositoryName) async throws -> [ManifestRecord] {
        try await rows("SELECT \(unescaped: Self.manifestColumns) FROM manifests WHERE repository = \(repository.value) ORDER BY digest")
            .compactMap { try Self.decodeManifest($0, repository: repository) }
    }

    public func manifestCounts() async throws -> [RepositoryName: Int] {
        var counts: [RepositoryName: Int] = [:]
        for row in try await rows("SELECT repository, count(*) FROM manifests GROUP BY repository") {
            let (name, count) = try row.decode((String, Int64).self)
            if let name = RepositoryName(name) { counts[name] = Int(count) }
        }
        return counts
    }
}

extension MetadataTransaction {
    /// Deletes a manifest, its references and its tags, giving back the usage of blobs nothing else references. The
    /// caller holds the repository's lock.
    func deleteManifest(_ repository: RepositoryName, _ digest: Digest) async throws -> Bool {
        let (name, manifest) = (repository.value, digest.description)
        guard try await exists("DELETE FROM manifests WHERE repository = \(name) AND digest = \(manifest) RETURNING 1") else { return false }
        let blobs = try await rows("""
            DELETE FROM manifest_references WHERE repository = \(name) AND manifest = \(manifest) RETURNING target, is_manifest
            """).map { try $0.decode((String, Bool).self) }.filter { !$0.1 }.map(\.0)
        // Blobs no other manifest references leave the usage, at the size they were linked with.
        try await addUsage(repository, -(try await unreferencedBytes(repository, blobs)))
        try await rows("DELETE FROM tags WHERE repository = \(name) AND digest = \(manifest)")
        return true
    }
}
