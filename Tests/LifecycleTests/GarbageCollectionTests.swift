import Foundation
import Lifecycle
import NIOCore
import OCI
import Storage
import TestSupport
import Testing

/// Garbage collection over the real embedded stores, and the race it is designed against.
@Suite struct GarbageCollectionTests {
    static func stage(_ bytes: [UInt8], as id: String, in stores: EmbeddedStores, repository: RepositoryName) async throws -> Digest {
        try await stores.metadata.createUpload(UploadSession(id: id, repository: repository, startedAt: Date()))
        let writer = try await stores.blobs.openUpload(id: id)
        try await writer.append(ByteBuffer(bytes: bytes))
        try await writer.finish()
        return Digest.compute(bytes)
    }

    /// Upload twice the same bytes; the second commit keeps the file the first put in place. If garbage collection
    /// deletes that file before the second upload is linked, the link is refused: never a link to a missing blob.
    @Test func anUploadThatKeptAFileGarbageCollectionThenDeletedIsNotLinked() async throws {
        try await withTemporaryDirectory { directory in
            let stores = try EmbeddedStores(dataDirectory: directory)
            let repository = RepositoryName("team/app")!
            let bytes = randomBytes(4096)
            let digest = try await Self.stage(bytes, as: "first", in: stores, repository: repository)
            try await stores.blobs.commitUpload(id: "first", as: digest)
            _ = try await stores.metadata.deleteUpload(id: "first")   // committed, never linked: garbage

            _ = try await Self.stage(bytes, as: "second", in: stores, repository: repository)
            try await stores.blobs.commitUpload(id: "second", as: digest)   // keeps the file already there
            let report = try await GarbageCollection(blobs: stores.blobs, metadata: stores.metadata, grace: 0).run()
            #expect(report.blobsDeleted == 1 && !stores.blobs.contains(digest))
            let blobs = stores.blobs
            await #expect(throws: MetadataError.blobCollected(digest)) {
                try await stores.metadata.completeUpload(id: "second", digest: digest, size: 4096, ifPresent: { blobs.contains(digest) })
            }
            #expect(try await stores.metadata.blobSize(repository: repository, digest: digest) == nil)
            let fsck = try await IntegrityCheck.run(blobs: stores.blobs, metadata: stores.metadata)
            #expect(fsck.problems.filter { !$0.contains("upload") }.isEmpty, "\(fsck.problems)")
        }
    }

    @Test func unreferencedBlobsGoAfterTheGraceReferencedOnesStayAndInterruptedDeletionsFinish() async throws {
        try await withTemporaryDirectory { directory in
            let stores = try EmbeddedStores(dataDirectory: directory)
            let repository = RepositoryName("team/app")!
            let (kept, dropped, marked) = (randomBytes(1000), randomBytes(3000), randomBytes(500))
            var digests: [Digest] = []
            for (index, bytes) in [kept, dropped, marked].enumerated() {
                let digest = try await Self.stage(bytes, as: "u\(index)", in: stores, repository: repository)
                try await stores.blobs.commitUpload(id: "u\(index)", as: digest)
                try await stores.metadata.completeUpload(id: "u\(index)", digest: digest, size: Int64(bytes.count))
                digests.append(digest)
            }
            let content = Array("manifest".utf8)
            try await stores.metadata.putManifest(ManifestPut(
                record: ManifestRecord(repository: repository, digest: Digest.compute(content), mediaType: MediaType.ociManifest, content: content),
                tags: [], blobs: [digests[0]], manifests: []))
            let collection = GarbageCollection(blobs: stores.blobs, metadata: stores.metadata, grace: 3600)
            #expect(try await collection.run().blobsDeleted == 0, "within the grace nothing goes")

            // As a crash would leave it: the third blob marked, its file still there.
            _ = try await stores.metadata.unlinkBlob(repository: repository, digest: digests[2])
            #expect(try await stores.metadata.beginBlobDeletion(digests[2]))
            let dryRun = try await GarbageCollection(blobs: stores.blobs, metadata: stores.metadata, grace: 0).run(dryRun: true)
            #expect(dryRun.linksRemoved == 1 && dryRun.blobsDeleted == 2 && dryRun.bytesReclaimed == 3500,
                    "the marked blob, and the one whose only link the run would remove: \(dryRun)")
            #expect(stores.blobs.contains(digests[1]) && stores.blobs.contains(digests[2]), "a dry run deletes nothing")

            let report = try await GarbageCollection(blobs: stores.blobs, metadata: stores.metadata, grace: 0).run()
            #expect(report.linksRemoved == 1 && report.blobsDeleted == 1 && report.bytesReclaimed == 3000, "\(report)")
            #expect(stores.blobs.contains(digests[0]) && !stores.blobs.contains(digests[1]) && !stores.blobs.contains(digests[2]))
            #expect(try await stores.metadata.blobDeletionsInProgress().isEmpty, "the interrupted deletion was finished")
            #expect(try await IntegrityCheck.run(blobs: stores.blobs, metadata: stores.metadata).problems.isEmpty)
        }
    }
}
