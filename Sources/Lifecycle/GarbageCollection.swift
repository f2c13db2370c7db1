import Foundation
import Logging
import OCI
import Storage

/// Online garbage collection: deletes the blobs no repository needs any more while pushes and pulls go on
/// (spec/registry.md, "Garbage collection" has the design and why no push is ever acknowledged with a missing blob).
///
/// 1. Finish the deletions a crash interrupted (their markers still refuse links).
/// 2. Unlink, in one transaction, every repository link older than the grace that no manifest of its repository
///    references (uploads not yet named by a manifest get the grace to be).
/// 3. For each blob file no repository links: mark it in a transaction that checks again it is unlinked, delete the
///    file, drop the mark. While marked, and after, a link of it is refused unless the file is there.
public struct GarbageCollection: Sendable {
    let blobs: any BlobStore
    let metadata: any MetadataStore
    /// How long a link nothing references is kept (`--gc-grace`).
    let grace: TimeInterval

    public static let defaultGrace: TimeInterval = 3_600

    public init(blobs: any BlobStore, metadata: any MetadataStore, grace: TimeInterval) {
        self.blobs = blobs
        self.metadata = metadata
        self.grace = grace
    }

    /// What a run did, or (`dryRun`) would do.
    public struct Report: Sendable, Hashable, Codable {
        public var startedAt: Date
        public var finishedAt: Date
        public var dryRun: Bool
        /// Repository links removed because nothing referenced them.
        public var linksRemoved: Int
        public var blobsDeleted: Int
        public var bytesReclaimed: Int64
    }

    /// `deleted` hears each blob removed from storage, after it is gone.
    public func run(dryRun: Bool = false, now: Date = Date(), deleted: @Sendable (Digest, Int64) async -> Void = { _, _ in }) async throws -> Report {
        if !dryRun { try await finishInterruptedDeletions() }
        let unlinked = try await metadata.unlinkUnreferencedBlobs(linkedBefore: now.addingTimeInterval(-grace), dryRun: dryRun)
        // A dry run removed no link: the blobs it would have left unlinked count as gone too.
        let linked = try await metadata.linkedBlobDigests().subtracting(dryRun ? unlinked.orphaned : [])
        var count = 0
        var bytes: Int64 = 0
        for digest in try await blobs.allDigests() where !linked.contains(digest) {
            let size = try await blobs.size(of: digest) ?? 0
            if dryRun {
                count += 1
                bytes += size
                continue
            }
            guard try await metadata.beginBlobDeletion(digest) else { continue }
            try await blobs.delete(digest)
            try await metadata.endBlobDeletion(digest)
            await deleted(digest, size)
            count += 1
            bytes += size
        }
        return Report(startedAt: now, finishedAt: Date(), dryRun: dryRun, linksRemoved: unlinked.links, blobsDeleted: count, bytesReclaimed: bytes)
    }

    /// Removes the staged uploads without a session that the previous sweep (`suspects`, its answer) found so too, and
    /// answers this sweep's suspects: where replicas share the stores, one may be staging such an upload right now
    /// (`AbandonedUploads.sweep`).
    public func sweepAbandonedUploads(suspects: Set<String>, logger: Logger) async throws -> Set<String> {
        try await AbandonedUploads.sweep(suspects: suspects, blobs: blobs, metadata: metadata, logger: logger)
    }

    /// A crash between marking a blob and dropping the mark leaves the mark; the file may or may not be gone.
    public func finishInterruptedDeletions() async throws {
        for digest in try await metadata.blobDeletionsInProgress() {
            try await blobs.delete(digest)
            try await metadata.endBlobDeletion(digest)
        }
    }
}
