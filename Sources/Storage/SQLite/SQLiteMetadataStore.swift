import Foundation
import OCI

/// The embedded metadata store: one SQLite database in WAL mode.
///
/// Writes go through a `GroupCommitter` on a single writer connection; reads use a small pool of
/// read-only connections so they never wait behind a commit.
public final class SQLiteMetadataStore: MetadataStore {
    let writer: GroupCommitter
    private let readers: [SQLiteExecutor]
    private let nextReader = AtomicCounter()

    static let schema = """
        CREATE TABLE IF NOT EXISTS repositories (
            name TEXT PRIMARY KEY,
            created_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS repository_blobs (
            repository TEXT NOT NULL,
            digest TEXT NOT NULL,
            size INTEGER NOT NULL,
            linked_at INTEGER NOT NULL,
            PRIMARY KEY (repository, digest)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS manifests (
            repository TEXT NOT NULL,
            digest TEXT NOT NULL,
            media_type TEXT NOT NULL,
            content BLOB NOT NULL,
            subject TEXT,
            artifact_type TEXT,
            annotations TEXT,
            pushed_at INTEGER NOT NULL,
            PRIMARY KEY (repository, digest)
        );
        CREATE INDEX IF NOT EXISTS manifests_by_subject ON manifests (repository, subject) WHERE subject IS NOT NULL;
        CREATE INDEX IF NOT EXISTS repository_blobs_by_digest ON repository_blobs (digest);
        CREATE INDEX IF NOT EXISTS manifests_by_push ON manifests (repository, pushed_at);
        CREATE TABLE IF NOT EXISTS manifest_references (
            repository TEXT NOT NULL,
            manifest TEXT NOT NULL,
            target TEXT NOT NULL,
            is_manifest INTEGER NOT NULL,
            PRIMARY KEY (repository, manifest, target)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS tags (
            repository TEXT NOT NULL,
            name TEXT NOT NULL,
            digest TEXT NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (repository, name)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS uploads (
            id TEXT PRIMARY KEY,
            repository TEXT NOT NULL,
            started_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        """

    /// Opens (creating if needed) the database at `path`.
    public init(path: String, readerCount: Int = 2) throws {
        let writeConnection = try SQLiteConnection(path: path, readOnly: false)
        // Small page caches: the OS page cache already holds the file, and every connection's cache is resident memory.
        try writeConnection.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-1024;")
        try writeConnection.execute(Self.schema)
        try writeConnection.execute(Self.configurationSchema)
        try writeConnection.execute(Self.accessSchema)
        try Self.prepareUsage(writeConnection)
        try Self.preparePullTimes(writeConnection)
        try Self.prepareRevisionPlans(writeConnection)
        try writeConnection.execute(Self.collectionSchema)
        try writeConnection.execute(Self.layerScanSchema)
        try writeConnection.execute(Self.vulnerabilitySchema)
        try writeConnection.execute(Self.webhookOutboxSchema)
        writer = GroupCommitter(executor: SQLiteExecutor(connection: writeConnection, label: "berth.sqlite.writer"))
        readers = try (0..<max(1, readerCount)).map { index in
            let connection = try SQLiteConnection(path: path, readOnly: true)
            try connection.execute("PRAGMA cache_size=-512;")
            return SQLiteExecutor(connection: connection, label: "berth.sqlite.reader\(index)")
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await readers[nextReader.next() % readers.count].perform(body)
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await writer.submit(body)
    }

    private static var now: Int64 { Int64(Date().timeIntervalSince1970) }
    /// Push times of manifests and tags keep fractions of a second, so retention's "most recently pushed" orders pushes
    /// made within one second as they happened. Rows written before are whole seconds; both read as seconds.
    private static var preciseNow: SQLiteValue { .real(Date().timeIntervalSince1970) }

    private static func ensureRepository(_ connection: SQLiteConnection, _ repository: RepositoryName) throws {
        try connection.query("INSERT OR IGNORE INTO repositories (name, created_at) VALUES (?, ?)", [.text(repository.value), .integer(now)])
    }

    // MARK: Blobs

    public func blobSize(repository: RepositoryName, digest: Digest) async throws -> Int64? {
        try await read { connection in
            try connection.query("SELECT size FROM repository_blobs WHERE repository = ? AND digest = ?",
                                 [.text(repository.value), .text(digest.description)]).first?.first?.int
        }
    }

    public func repositoriesHolding(blob digest: Digest) async throws -> [RepositoryName] {
        try await read { connection in
            try connection.query("SELECT repository FROM repository_blobs WHERE digest = ? ORDER BY repository", [.text(digest.description)])
                .compactMap { $0.first?.string.flatMap { RepositoryName($0) } }
        }
    }

    public func linkBlob(repository: RepositoryName, digest: Digest, size: Int64, ifPresent isPresent: @escaping @Sendable () -> Bool) async throws {
        try await writer.submit { connection in
            try Self.requireLinkable(connection, digest, isPresent: isPresent)
            try Self.link(connection, repository: repository, digest: digest, size: size)
        }
    }

    private static func link(_ connection: SQLiteConnection, repository: RepositoryName, digest: Digest, size: Int64) throws {
        try ensureRepository(connection, repository)
        try connection.query(
            "INSERT OR IGNORE INTO repository_blobs (repository, digest, size, linked_at) VALUES (?, ?, ?, ?)",
            [.text(repository.value), .text(digest.description), .integer(size), .integer(now)])
    }

    public func unlinkBlob(repository: RepositoryName, digest: Digest) async throws -> Bool {
        try await writer.submit { connection in
            // A blob still referenced stops counting once it is no longer the repository's.
            if try Self.isReferenced(connection, repository, digest), let size = try Self.linkedSize(connection, repository, digest) {
                try Self.addUsage(connection, repository, -size)
            }
            try connection.query("DELETE FROM repository_blobs WHERE repository = ? AND digest = ?",
                                 [.text(repository.value), .text(digest.description)])
            return connection.changes > 0
        }
    }

    // MARK: Manifests

    private static let manifestColumns = "digest, media_type, content, subject, artifact_type, annotations"

    private static func decodeManifest(_ row: [SQLiteValue], repository: RepositoryName) -> ManifestRecord? {
        guard let digest = row[0].string.flatMap({ Digest($0) }), let mediaType = row[1].string, let content = row[2].bytes else { return nil }
        let annotations = row[5].string.flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) }
        return ManifestRecord(
            repository: repository, digest: digest, mediaType: mediaType, content: content,
            subject: row[3].string.flatMap { Digest($0) }, artifactType: row[4].string, annotations: annotations)
    }

    public func manifest(repository: RepositoryName, reference: Reference) async throws -> ManifestRecord? {
        try await read { connection in
            let rows: [[SQLiteValue]]
            switch reference {
            case .digest(let digest):
                rows = try connection.query(
                    "SELECT \(Self.manifestColumns) FROM manifests WHERE repository = ? AND digest = ?",
                    [.text(repository.value), .text(digest.description)])
            case .tag(let tag):
                rows = try connection.query(
                    "SELECT m.digest, m.media_type, m.content, m.subject, m.artifact_type, m.annotations FROM tags t JOIN manifests m ON m.repository = t.repository AND m.digest = t.digest WHERE t.repository = ? AND t.name = ?",
                    [.text(repository.value), .text(tag.value)])
            }
            return rows.first.flatMap { Self.decodeManifest($0, repository: repository) }
        }
    }

    public func putManifest(_ put: ManifestPut) async throws {
        try await writer.submit { connection in
            let record = put.record
            let repository = SQLiteValue.text(record.repository.value)
            var missing: [Digest] = []
            for blob in Set(put.blobs) where try connection.query(
                "SELECT 1 FROM repository_blobs WHERE repository = ? AND digest = ?", [repository, .text(blob.description)]).isEmpty {
                missing.append(blob)
            }
            for child in Set(put.manifests) where try connection.query(
                "SELECT 1 FROM manifests WHERE repository = ? AND digest = ?", [repository, .text(child.description)]).isEmpty {
                missing.append(child)
            }
            guard missing.isEmpty else { throw MetadataError.missingReferences(missing.sorted()) }
            for tag in Set(put.fixedTags).intersection(put.tags).sorted() {
                let current = try connection.query("SELECT digest FROM tags WHERE repository = ? AND name = ?", [repository, .text(tag.value)])
                if let digest = current.first?[0].string, digest != record.digest.description {
                    throw MetadataError.tagFixed(tag)
                }
            }
            // Usage grows by the blobs no manifest of the repository referenced before; the quota is checked here, in the
            // transaction that writes, so two concurrent pushes cannot both pass it.
            let adding = try Self.newlyReferencedBytes(connection, record.repository, Set(put.blobs))
            if adding > 0 {
                let used = try Self.usage(connection, record.repository)
                if let quota = put.quota, used + adding > quota { throw MetadataError.quotaExceeded(used: used, adding: adding) }
                try Self.addUsage(connection, record.repository, adding)
            }
            try Self.ensureRepository(connection, record.repository)
            let annotations: SQLiteValue = try record.annotations.map { .text(String(decoding: try JSONEncoder().encode($0), as: UTF8.self)) } ?? .null
            try connection.query(
                """
                INSERT INTO manifests (repository, digest, media_type, content, subject, artifact_type, annotations, pushed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (repository, digest) DO NOTHING
                """,
                [repository, .text(record.digest.description), .text(record.mediaType), .blob(record.content),
                 record.subject.map { .text($0.description) } ?? .null, record.artifactType.map { .text($0) } ?? .null,
                 annotations, Self.preciseNow])
            for blob in Set(put.blobs) {
                try connection.query("INSERT OR IGNORE INTO manifest_references (repository, manifest, target, is_manifest) VALUES (?, ?, ?, 0)",
                                     [repository, .text(record.digest.description), .text(blob.description)])
            }
            for child in Set(put.manifests) {
                try connection.query("INSERT OR IGNORE INTO manifest_references (repository, manifest, target, is_manifest) VALUES (?, ?, ?, 1)",
                                     [repository, .text(record.digest.description), .text(child.description)])
            }
            for tag in Set(put.tags) {
                try connection.query(
                    "INSERT INTO tags (repository, name, digest, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (repository, name) DO UPDATE SET digest = excluded.digest, updated_at = excluded.updated_at",
                    [repository, .text(tag.value), .text(record.digest.description), Self.preciseNow])
            }
        }
    }

    public func deleteManifest(repository: RepositoryName, digest: Digest) async throws -> Bool {
        try await writer.submit { connection in try Self.deleteManifest(connection, repository, digest) }
    }

    /// Deletes a manifest, its references and its tags, giving back the usage of blobs nothing else references.
    static func deleteManifest(_ connection: SQLiteConnection, _ repository: RepositoryName, _ digest: Digest) throws -> Bool {
        let binds: [SQLiteValue] = [.text(repository.value), .text(digest.description)]
        try connection.query("DELETE FROM manifests WHERE repository = ? AND digest = ?", binds)
        guard connection.changes > 0 else { return false }
        let blobs = try connection.query("SELECT target FROM manifest_references WHERE repository = ? AND manifest = ? AND is_manifest = 0", binds)
            .compactMap { $0[0].string.flatMap { Digest($0) } }
        try connection.query("DELETE FROM manifest_references WHERE repository = ? AND manifest = ?", binds)
        // Blobs no other manifest references leave the usage, at the size they were linked with.
        var released: Int64 = 0
        for blob in blobs where try !Self.isReferenced(connection, repository, blob) {
            released += try Self.linkedSize(connection, repository, blob) ?? 0
        }
        try Self.addUsage(connection, repository, -released)
        try connection.query("DELETE FROM tags WHERE repository = ? AND digest = ?", binds)
        return true
    }

    public func deleteTag(repository: RepositoryName, tag: Tag) async throws -> Bool {
        try await writer.submit { connection in
            try connection.query("DELETE FROM tags WHERE repository = ? AND name = ?", [.text(repository.value), .text(tag.value)])
            return connection.changes > 0
        }
    }

    public func tags(repository: RepositoryName, pointingAt digest: Digest) async throws -> [Tag] {
        try await read { connection in
            try connection.query("SELECT name FROM tags WHERE repository = ? AND digest = ? ORDER BY name",
                                 [.text(repository.value), .text(digest.description)])
                .compactMap { $0[0].string.flatMap { Tag($0) } }
        }
    }

    public func tags(repository: RepositoryName, after last: String?, limit: Int?) async throws -> [String]? {
        try await read { connection in
            guard try !connection.query("SELECT 1 FROM repositories WHERE name = ?", [.text(repository.value)]).isEmpty else { return nil }
            let rows = try connection.query(
                "SELECT name FROM tags WHERE repository = ? AND name > ? ORDER BY name LIMIT ?",
                [.text(repository.value), .text(last ?? ""), .integer(Int64(limit ?? -1))])
            return rows.compactMap { $0[0].string }
        }
    }

    public func referrers(repository: RepositoryName, subject: Digest) async throws -> [Descriptor] {
        try await read { connection in
            try connection.query(
                "SELECT \(Self.manifestColumns) FROM manifests WHERE repository = ? AND subject = ? ORDER BY digest",
                [.text(repository.value), .text(subject.description)]
            ).compactMap { Self.decodeManifest($0, repository: repository)?.descriptor }
        }
    }

    public func manifests(repository: RepositoryName) async throws -> [ManifestRecord] {
        try await read { connection in
            try connection.query("SELECT \(Self.manifestColumns) FROM manifests WHERE repository = ? ORDER BY digest", [.text(repository.value)])
                .compactMap { Self.decodeManifest($0, repository: repository) }
        }
    }

    public func repositories(after last: String?, limit: Int?) async throws -> [RepositoryName] {
        try await read { connection in
            try connection.query("SELECT name FROM repositories WHERE name > ? ORDER BY name LIMIT ?",
                                 [.text(last ?? ""), .integer(Int64(limit ?? -1))])
                .compactMap { $0[0].string.flatMap { RepositoryName($0) } }
        }
    }

    public func repositorySummaries() async throws -> [RepositorySummary] {
        try await read { connection in
            // Grouped scans of the tag and manifest keys, not a subquery per repository: thousands of repositories in
            // one pass each (bench/console.sh).
            var tags: [String: Int] = [:]
            for row in try connection.query("SELECT repository, COUNT(*) FROM tags GROUP BY repository") {
                if let name = row[0].string, let count = row[1].int { tags[name] = Int(count) }
            }
            var manifests: [String: (count: Int, last: Double)] = [:]
            for row in try connection.query("SELECT repository, COUNT(*), MAX(pushed_at) FROM manifests GROUP BY repository") {
                if let name = row[0].string, let count = row[1].int, let last = row[2].double { manifests[name] = (Int(count), last) }
            }
            return try connection.query("SELECT name FROM repositories ORDER BY name").compactMap { row -> RepositorySummary? in
                guard let text = row[0].string, let name = RepositoryName(text) else { return nil }
                let held = manifests[text]
                return RepositorySummary(name: name, tags: tags[text] ?? 0, manifests: held?.count ?? 0,
                                         lastPush: held.map { Date(timeIntervalSince1970: $0.last) })
            }
        }
    }

    // MARK: Uploads

    public func createUpload(_ session: UploadSession) async throws {
        try await writer.submit { connection in
            try connection.query("INSERT INTO uploads (id, repository, started_at) VALUES (?, ?, ?)",
                                 [.text(session.id), .text(session.repository.value), .integer(Int64(session.startedAt.timeIntervalSince1970))])
        }
    }

    public func upload(id: String) async throws -> UploadSession? {
        try await read { connection in
            try connection.query("SELECT repository, started_at FROM uploads WHERE id = ?", [.text(id)]).first.flatMap { row in
                guard let repository = row[0].string.flatMap({ RepositoryName($0) }), let started = row[1].int else { return nil }
                return UploadSession(id: id, repository: repository, startedAt: Date(timeIntervalSince1970: TimeInterval(started)))
            }
        }
    }

    public func completeUpload(id: String, digest: Digest, size: Int64, ifPresent isPresent: @escaping @Sendable () -> Bool) async throws {
        try await writer.submit { connection in
            guard let repository = try connection.query("SELECT repository FROM uploads WHERE id = ?", [.text(id)])
                .first?.first?.string.flatMap({ RepositoryName($0) })
            else { throw MetadataError.unknownUpload(id) }
            try Self.requireLinkable(connection, digest, isPresent: isPresent)
            try connection.query("DELETE FROM uploads WHERE id = ?", [.text(id)])
            try Self.link(connection, repository: repository, digest: digest, size: size)
        }
    }

    public func deleteUpload(id: String) async throws -> Bool {
        try await writer.submit { connection in
            try connection.query("DELETE FROM uploads WHERE id = ?", [.text(id)])
            return connection.changes > 0
        }
    }

    public func manifestCounts() async throws -> [RepositoryName: Int] {
        try await read { connection in
            var counts: [RepositoryName: Int] = [:]
            for row in try connection.query("SELECT repository, COUNT(*) FROM manifests GROUP BY repository") {
                if let name = row[0].string.flatMap({ RepositoryName($0) }), let count = row[1].int { counts[name] = Int(count) }
            }
            return counts
        }
    }

    // MARK: Integrity

    public func inventory() async throws -> MetadataInventory {
        try await read { connection in
            var unreadable: [String] = []
            /// Decodes every row of a query, recording the ones that do not decode instead of dropping them silently.
            func rows<T>(_ table: String, _ sql: String, _ decode: ([SQLiteValue]) -> T?) throws -> [T] {
                try connection.query(sql).compactMap { row in
                    if let value = decode(row) { return value }
                    unreadable.append("\(table): unreadable row \(row.map { $0.string ?? $0.int.map(String.init) ?? "?" })")
                    return nil
                }
            }
            let links = try rows("repository_blobs", "SELECT repository, digest, size FROM repository_blobs ORDER BY repository, digest") { row -> MetadataInventory.Link? in
                guard let repository = row[0].string.flatMap({ RepositoryName($0) }), let digest = row[1].string.flatMap({ Digest($0) }), let size = row[2].int else { return nil }
                return .init(repository: repository, digest: digest, size: size)
            }
            let manifests = try rows("manifests", "SELECT repository, \(Self.manifestColumns) FROM manifests ORDER BY repository, digest") { row in
                row[0].string.flatMap { RepositoryName($0) }.flatMap { Self.decodeManifest(Array(row.dropFirst()), repository: $0) }
            }
            let references = try rows("manifest_references", "SELECT repository, manifest, target, is_manifest FROM manifest_references") { row -> MetadataInventory.ManifestReference? in
                guard let repository = row[0].string.flatMap({ RepositoryName($0) }), let manifest = row[1].string.flatMap({ Digest($0) }),
                      let target = row[2].string.flatMap({ Digest($0) }) else { return nil }
                return .init(repository: repository, manifest: manifest, target: target, isManifest: row[3].int == 1)
            }
            let tags = try rows("tags", "SELECT repository, name, digest FROM tags") { row -> MetadataInventory.TagEntry? in
                guard let repository = row[0].string.flatMap({ RepositoryName($0) }), let name = row[1].string, let digest = row[2].string.flatMap({ Digest($0) }) else { return nil }
                return .init(repository: repository, tag: name, digest: digest)
            }
            let uploads = try rows("uploads", "SELECT id, repository, started_at FROM uploads") { row -> UploadSession? in
                guard let id = row[0].string, let repository = row[1].string.flatMap({ RepositoryName($0) }), let started = row[2].int else { return nil }
                return UploadSession(id: id, repository: repository, startedAt: Date(timeIntervalSince1970: TimeInterval(started)))
            }
            return MetadataInventory(blobLinks: links, manifests: manifests, references: references, tags: tags, uploads: uploads, unreadable: unreadable)
        }
    }
}
