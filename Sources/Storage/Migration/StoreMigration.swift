import AuditRecords
import Foundation
import OCI

/// Copies one registry's stores into empty others, through the store protocols alone: what `berth migrate` runs to move
/// an embedded registry onto PostgreSQL and S3 (spec/scale-out.md). The source is only read.
///
/// Not carried over, because no store protocol writes them: push and pull times (the copy's push time is the migration's,
/// which only delays retention's untagged grace), and upload sessions in progress (clients start those again).
public struct StoreMigration: Sendable {
    public struct Stores: Sendable {
        public var blobs: any BlobStore
        public var database: any RegistryDatabase
        public var audit: any AuditStore

        public init(blobs: any BlobStore, database: any RegistryDatabase, audit: any AuditStore) {
            self.blobs = blobs
            self.database = database
            self.audit = audit
        }
    }

    /// What was copied.
    public struct Report: Sendable, CustomStringConvertible {
        public var blobs = 0
        public var bytes: Int64 = 0
        public var links = 0
        public var manifests = 0
        public var tags = 0
        public var configurationObjects = 0
        public var robotCredentials = 0
        public var layerScans = 0
        public var advisories = 0
        public var webhookCursors = 0
        public var auditRecords = 0
        public var checkpoints = 0

        public var description: String {
            "\(blobs) blobs (\(bytes) bytes), \(links) blob links, \(manifests) manifests, \(tags) tags, \(configurationObjects) configuration objects, "
                + "\(robotCredentials) robot credentials, \(layerScans) layer scans, \(advisories) advisories, \(webhookCursors) webhook cursors, "
                + "\(auditRecords) audit records and \(checkpoints) checkpoints"
        }
    }

    public enum Refusal: Error, Sendable, CustomStringConvertible {
        case targetNotEmpty(String)
        case unsupported(String)
        case mismatch(String)

        public var description: String {
            switch self {
            case .targetNotEmpty(let what): "the target already holds \(what); migrate into empty stores only"
            case .unsupported(let what): "cannot migrate: \(what)"
            case .mismatch(let what): "the copy differs from the source: \(what)"
            }
        }
    }

    let source: Stores
    let target: Stores

    public init(from source: Stores, to target: Stores) {
        self.source = source
        self.target = target
    }

    /// Copies everything, then compares what can be compared (inventories, configuration fingerprint, audit head).
    public func run(progress: @Sendable (String) -> Void = { _ in }) async throws -> Report {
        try await requireMigratable()
        var report = Report()
        let inventory = try await source.database.inventory()
        guard inventory.unreadable.isEmpty else {
            throw Refusal.unsupported("the source has unreadable rows (run berth fsck on it): \(inventory.unreadable.joined(separator: "; "))")
        }
        progress("copying blobs")
        for digest in try await source.blobs.allDigests() {
            report.bytes += try await copyBlob(digest)
            report.blobs += 1
        }
        progress("copying blob links and manifests")
        for link in inventory.blobLinks {
            try await target.database.linkBlob(repository: link.repository, digest: link.digest, size: link.size)
            report.links += 1
        }
        try await copyManifests(inventory, into: &report)
        progress("copying configuration, credentials, scans, advisories and webhook cursors")
        let configuration = try await source.database.configuration()
        if !configuration.objects.isEmpty {
            _ = try await target.database.apply(configuration.objects.map { .put($0) }, expectedFingerprint: nil,
                                                source: ConfigurationSource(actor: "migrate", summary: "copied by berth migrate"))
        }
        report.configurationObjects = configuration.objects.count
        let credentials = try await source.database.robotCredentials()
        try await target.database.updateRobotCredentials(credentials, keeping: Set(credentials.map(\.robot)))
        report.robotCredentials = credentials.count
        for digest in Set(inventory.blobLinks.map(\.digest)) {
            if let scan = try await source.database.layerScan(of: digest, scanner: nil) {
                try await target.database.recordLayerScan(scan)
                report.layerScans += 1
            }
        }
        let advisories = try await source.database.advisories()
        if let latest = try await source.database.latestImport() {
            _ = try await target.database.importAdvisories(advisories, importedAt: latest.importedAt, countsByEcosystem: latest.countsByEcosystem,
                                                           sources: ["berth migrate"] + latest.sources)
        }
        report.advisories = advisories.count
        for cursor in try await source.database.webhookCursors() {
            try await target.database.saveWebhookCursor(cursor)
            report.webhookCursors += 1
        }
        progress("copying the audit chain")
        try await copyAudit(into: &report)
        progress("comparing")
        try await compare(inventory, configuration.fingerprint)
        return report
    }

    /// The target holds nothing yet, and the source's chain starts at record 1.
    private func requireMigratable() async throws {
        let inventory = try await target.database.inventory()
        if !inventory.blobLinks.isEmpty || !inventory.manifests.isEmpty { throw Refusal.targetNotEmpty("repositories") }
        if try await !target.database.configuration().objects.isEmpty { throw Refusal.targetNotEmpty("a configuration") }
        if try await target.audit.head() != .empty { throw Refusal.targetNotEmpty("audit records") }
        if try await source.audit.anchor() != nil {
            throw Refusal.unsupported("the source's audit chain starts at a retention anchor; a chain that starts at record 1 only")
        }
    }

    private func copyBlob(_ digest: Digest) async throws -> Int64 {
        let id = "migrate-" + UUID().uuidString.lowercased()
        let writer = try await target.blobs.openUpload(id: id)
        var hasher = DigestHasher(digest.algorithm)
        var size: Int64 = 0
        do {
            try await source.blobs.read(digest, range: 0..<Int64.max) { chunk in
                chunk.withUnsafeReadableBytes { hasher.update($0) }
                size += Int64(chunk.readableBytes)
                try await writer.append(chunk)
            }
            try await writer.finish()
        } catch {
            await writer.abandon()
            try? await target.blobs.deleteUpload(id: id)
            throw error
        }
        // The source is checked as it is read: a damaged blob is not carried into the new stores.
        guard hasher.finalize() == digest else {
            try? await target.blobs.deleteUpload(id: id)
            throw Refusal.mismatch("the source's blob \(digest) does not hash to its digest (run berth fsck on the source)")
        }
        try await target.blobs.commitUpload(id: id, as: digest)
        return size
    }

    /// Children before the indexes that list them, so every put finds what it references.
    private func copyManifests(_ inventory: MetadataInventory, into report: inout Report) async throws {
        struct Key: Hashable {
            let repository: RepositoryName
            let digest: Digest
        }
        var references: [Key: [MetadataInventory.ManifestReference]] = [:]
        for reference in inventory.references { references[Key(repository: reference.repository, digest: reference.manifest), default: []].append(reference) }
        var tags: [Key: [Tag]] = [:]
        for entry in inventory.tags {
            guard let tag = Tag(entry.tag) else { throw Refusal.unsupported("the tag \(entry.tag) of \(entry.repository) is not a valid tag") }
            tags[Key(repository: entry.repository, digest: entry.digest), default: []].append(tag)
        }
        var remaining = inventory.manifests
        var stored: Set<Key> = []
        while !remaining.isEmpty {
            var next: [ManifestRecord] = []
            for record in remaining {
                let key = Key(repository: record.repository, digest: record.digest)
                let listed = references[key] ?? []
                guard listed.filter(\.isManifest).allSatisfy({ stored.contains(Key(repository: $0.repository, digest: $0.target)) }) else {
                    next.append(record)
                    continue
                }
                let put = ManifestPut(record: record, tags: tags[key] ?? [], blobs: listed.filter { !$0.isManifest }.map(\.target),
                                      manifests: listed.filter(\.isManifest).map(\.target))
                try await target.database.putManifest(put)
                stored.insert(key)
                report.manifests += 1
                report.tags += put.tags.count
            }
            guard next.count < remaining.count else {
                throw Refusal.unsupported("manifests that list each other or list manifests the repository lacks: "
                                          + next.prefix(5).map { "\($0.repository)@\($0.digest)" }.joined(separator: ", "))
            }
            remaining = next
        }
    }

    /// Lines as stored, byte for byte: the copy's hashes and checkpoint signatures are the source's.
    private func copyAudit(into report: inout Report) async throws {
        var after: UInt64 = 0
        while true {
            let page = try await source.audit.lines(after: after, limit: 1_000)
            guard !page.isEmpty else { break }
            let lines = try page.map { stored in
                do {
                    return try AuditLine(bytes: stored.bytes)
                } catch {
                    throw AuditStoreError.unreadable(location: stored.location, reason: "\(error)")
                }
            }
            try await target.audit.append(lines)
            after = lines.last!.record.sequence
            report.auditRecords += lines.count
        }
        for checkpoint in try await source.audit.checkpoints() {
            try await target.audit.appendCheckpoint(checkpoint)
            report.checkpoints += 1
        }
    }

    private func compare(_ inventory: MetadataInventory, _ fingerprint: String) async throws {
        let copied = try await target.database.inventory()
        func differs<T: Hashable>(_ name: String, _ source: [T], _ copy: [T]) throws {
            guard Set(source) == Set(copy) else { throw Refusal.mismatch(name) }
        }
        try differs("blob links", inventory.blobLinks, copied.blobLinks)
        try differs("manifests", inventory.manifests, copied.manifests)
        try differs("manifest references", inventory.references, copied.references)
        try differs("tags", inventory.tags, copied.tags)
        guard try await target.database.configuration().fingerprint == fingerprint else { throw Refusal.mismatch("configuration fingerprint") }
        guard try await target.audit.head() == source.audit.head() else { throw Refusal.mismatch("audit chain head") }
    }
}
