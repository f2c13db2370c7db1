import Foundation
import OCI

/// A manifest as stored: its exact bytes plus what the registry needs to answer without re-parsing them.
public struct ManifestRecord: Sendable, Hashable {
    public var repository: RepositoryName
    public var digest: Digest
    public var mediaType: String
    public var content: [UInt8]
    public var subject: Digest?
    public var artifactType: String?
    public var annotations: [String: String]?

    public init(repository: RepositoryName, digest: Digest, mediaType: String, content: [UInt8], subject: Digest? = nil, artifactType: String? = nil, annotations: [String: String]? = nil) {
        self.repository = repository
        self.digest = digest
        self.mediaType = mediaType
        self.content = content
        self.subject = subject
        self.artifactType = artifactType
        self.annotations = annotations
    }

    public var descriptor: Descriptor {
        Descriptor(mediaType: mediaType, digest: digest, size: Int64(content.count), artifactType: artifactType, annotations: annotations)
    }
}

/// Everything one manifest push writes, applied atomically.
public struct ManifestPut: Sendable {
    public var record: ManifestRecord
    public var tags: [Tag]
    /// Blobs (config, layers) that must be present in the repository.
    public var blobs: [Digest]
    /// Child manifests (of an index) that must be present in the repository.
    public var manifests: [Digest]
    /// Tags of `tags` that may be created but not moved: when one already points at another manifest, the put
    /// throws `MetadataError.tagFixed` and stores nothing. Checked in the transaction that writes, so two
    /// concurrent pushes cannot both move it.
    public var fixedTags: Set<Tag>
    /// The repository's quota in bytes: when the blobs this put newly references would take its usage past it, the put
    /// throws `MetadataError.quotaExceeded` and stores nothing. Checked in the transaction that writes.
    public var quota: Int64?

    public init(record: ManifestRecord, tags: [Tag], blobs: [Digest], manifests: [Digest], fixedTags: Set<Tag> = [], quota: Int64? = nil) {
        self.record = record
        self.tags = tags
        self.blobs = blobs
        self.manifests = manifests
        self.fixedTags = fixedTags
        self.quota = quota
    }
}

/// An upload in progress. Its bytes live in the blob store; this is what survives a restart besides them.
public struct UploadSession: Sendable, Hashable {
    public var id: String
    public var repository: RepositoryName
    public var startedAt: Date

    public init(id: String, repository: RepositoryName, startedAt: Date) {
        self.id = id
        self.repository = repository
        self.startedAt = startedAt
    }
}

public enum MetadataError: Error, Sendable, Equatable {
    /// A manifest references blobs or child manifests the repository does not hold.
    case missingReferences([Digest])
    /// The upload session does not exist (finished, cancelled, or never started).
    case unknownUpload(String)
    /// A fixed tag (`ManifestPut.fixedTags`) already points at another manifest.
    case tagFixed(Tag)
    /// The put would take the repository past `ManifestPut.quota`: `used` bytes now, `adding` more.
    case quotaExceeded(used: Int64, adding: Int64)
    /// The blob cannot be linked: garbage collection is deleting its file, or has deleted it since it was found.
    case blobCollected(Digest)
}

/// Every stored fact `fsck` cross-checks against the blob store.
public struct MetadataInventory: Sendable {
    public struct Link: Sendable, Hashable {
        public var repository: RepositoryName
        public var digest: Digest
        public var size: Int64

        public init(repository: RepositoryName, digest: Digest, size: Int64) {
            self.repository = repository
            self.digest = digest
            self.size = size
        }
    }
    public struct ManifestReference: Sendable, Hashable {
        public var repository: RepositoryName
        public var manifest: Digest
        public var target: Digest
        public var isManifest: Bool

        public init(repository: RepositoryName, manifest: Digest, target: Digest, isManifest: Bool) {
            self.repository = repository
            self.manifest = manifest
            self.target = target
            self.isManifest = isManifest
        }
    }
    public struct TagEntry: Sendable, Hashable {
        public var repository: RepositoryName
        public var tag: String
        public var digest: Digest

        public init(repository: RepositoryName, tag: String, digest: Digest) {
            self.repository = repository
            self.tag = tag
            self.digest = digest
        }
    }

    public var blobLinks: [Link]
    public var manifests: [ManifestRecord]
    public var references: [ManifestReference]
    public var tags: [TagEntry]
    public var uploads: [UploadSession]
    /// Stored rows that could not be read back (a bad name or digest): always an inconsistency.
    public var unreadable: [String] = []

    public init(blobLinks: [Link], manifests: [ManifestRecord], references: [ManifestReference], tags: [TagEntry], uploads: [UploadSession],
                unreadable: [String] = []) {
        self.blobLinks = blobLinks
        self.manifests = manifests
        self.references = references
        self.tags = tags
        self.uploads = uploads
        self.unreadable = unreadable
    }
}

/// The registry's metadata: which repository holds which blobs and manifests, tags, referrers, and upload sessions.
///
/// Implementations must make each mutating call atomic and durable before returning, and must check a
/// manifest's references inside the same transaction that stores it.
public protocol MetadataStore: Sendable {
    /// The blob's size when the repository holds it.
    func blobSize(repository: RepositoryName, digest: Digest) async throws -> Int64?
    /// Records that the repository holds a blob already present in the blob store. Throws `MetadataError.blobCollected`,
    /// linking nothing, while garbage collection deletes the blob or when `ifPresent`, asked inside the transaction
    /// that links, says the file is gone.
    func linkBlob(repository: RepositoryName, digest: Digest, size: Int64, ifPresent: @escaping @Sendable () -> Bool) async throws
    /// Returns false when the repository did not hold the blob.
    func unlinkBlob(repository: RepositoryName, digest: Digest) async throws -> Bool
    /// The repositories that hold the blob, in name order.
    func repositoriesHolding(blob digest: Digest) async throws -> [RepositoryName]

    func manifest(repository: RepositoryName, reference: Reference) async throws -> ManifestRecord?
    /// Throws `MetadataError.missingReferences` and stores nothing when a reference is absent, and
    /// `MetadataError.tagFixed` when a fixed tag (`ManifestPut.fixedTags`) already points at another manifest.
    func putManifest(_ put: ManifestPut) async throws
    /// Deletes the manifest and every tag pointing at it. Returns false when it did not exist.
    func deleteManifest(repository: RepositoryName, digest: Digest) async throws -> Bool
    func deleteTag(repository: RepositoryName, tag: Tag) async throws -> Bool
    /// The repository's tags that point at the manifest, in lexical order.
    func tags(repository: RepositoryName, pointingAt digest: Digest) async throws -> [Tag]
    /// Tags in lexical order after `last`; nil when the repository does not exist.
    func tags(repository: RepositoryName, after last: String?, limit: Int?) async throws -> [String]?
    /// Manifests in the repository whose `subject` is the given digest.
    func referrers(repository: RepositoryName, subject: Digest) async throws -> [Descriptor]
    /// Every manifest `repository` holds, ordered by digest (what verdicts are computed over when declarations change).
    func manifests(repository: RepositoryName) async throws -> [ManifestRecord]
    /// Each repository's usage: the total size of the distinct blobs its manifests reference (a blob shared with
    /// another repository counts in both). Repositories using nothing may be left out. Kept as references come and go.
    func usage() async throws -> [RepositoryName: Int64]
    func usage(repository: RepositoryName) async throws -> Int64
    /// The repository's tags and manifests with their push and pull times, what retention decides on.
    func contents(repository: RepositoryName) async throws -> RepositoryContents
    /// Records pull times (a batch; a manifest keeps its latest). Pulls of manifests no longer stored are ignored.
    func recordPulls(_ pulls: [ManifestPull]) async throws

    // Garbage collection (spec/registry.md, "Garbage collection").

    /// Removes (or, `dryRun`, counts) the links made at or before `linkedBefore` that no manifest of their repository
    /// references; in one transaction, so a manifest put naming such a blob either lands first or fails cleanly. Also
    /// says which digests no repository links afterwards (for a dry run: would not).
    func unlinkUnreferencedBlobs(linkedBefore: Date, dryRun: Bool) async throws -> UnlinkedBlobs
    /// Every digest some repository links.
    func linkedBlobDigests() async throws -> Set<Digest>
    /// Marks `digest` as being deleted, if and only if no repository links it; links of it are refused until
    /// ``endBlobDeletion(_:)``. False when it is linked (it is not to be deleted).
    func beginBlobDeletion(_ digest: Digest) async throws -> Bool
    func endBlobDeletion(_ digest: Digest) async throws
    /// Markers a crash left: deletions to finish.
    func blobDeletionsInProgress() async throws -> [Digest]
    /// Retention's deletions, in one transaction, guarded against what changed since they were planned: each tag only
    /// while it still points at the digest given, then each manifest only while no tag points at it and no manifest of
    /// the repository lists it. Returns what was deleted.
    func deleteUnreferenced(repository: RepositoryName, tags: [Tag: Digest], manifests: [Digest]) async throws -> RetentionDeleted
    /// Repository names in lexical order after `last`.
    func repositories(after last: String?, limit: Int?) async throws -> [RepositoryName]
    /// Every repository in brief, in name order: what a list or an overview of thousands reads in one go, rather
    /// than a query per repository.
    func repositorySummaries() async throws -> [RepositorySummary]

    func createUpload(_ session: UploadSession) async throws
    func upload(id: String) async throws -> UploadSession?
    /// Ends the session and links the finished blob to its repository, atomically; refused like ``linkBlob``.
    func completeUpload(id: String, digest: Digest, size: Int64, ifPresent: @escaping @Sendable () -> Bool) async throws
    func deleteUpload(id: String) async throws -> Bool

    /// Number of manifests each repository holds (repositories holding none are absent).
    func manifestCounts() async throws -> [RepositoryName: Int]

    func inventory() async throws -> MetadataInventory
}

extension MetadataStore {
    /// A link of a blob the caller just saw in the blob store (tests, and tools that hold the store alone).
    public func linkBlob(repository: RepositoryName, digest: Digest, size: Int64) async throws {
        try await linkBlob(repository: repository, digest: digest, size: size, ifPresent: { true })
    }

    public func completeUpload(id: String, digest: Digest, size: Int64) async throws {
        try await completeUpload(id: id, digest: digest, size: size, ifPresent: { true })
    }
}
