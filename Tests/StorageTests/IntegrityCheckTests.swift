import Foundation
import NIOCore
import OCI
import Storage
import TestSupport
import Testing

/// `fsck` must find every kind of damage, and nothing on a healthy store.
@Suite struct IntegrityCheckTests {
    struct Store {
        let directory: URL
        let blobs: FilesystemBlobStore
        let metadata: SQLiteMetadataStore
        let layer: Digest
        let manifest: ManifestRecord

        var layerPath: String {
            directory.appendingPathComponent("blobs/sha256/\(layer.hex.prefix(2))/\(layer.hex)").path
        }
    }

    func makeStore(in directory: URL) async throws -> Store {
        let blobs = try FilesystemBlobStore(root: directory)
        let metadata = try SQLiteMetadataStore(path: directory.appendingPathComponent("metadata.sqlite").path)
        let repository = RepositoryName("team/app")!
        let bytes = randomBytes(5000)
        let writer = try await blobs.openUpload(id: "u")
        try await writer.append(ByteBuffer(bytes: bytes))
        try await writer.finish()
        let layer = Digest.compute(bytes)
        try await blobs.commitUpload(id: "u", as: layer)
        try await metadata.linkBlob(repository: repository, digest: layer, size: Int64(bytes.count))
        let content = Array(#"{"schemaVersion":2}"#.utf8)
        let manifest = ManifestRecord(repository: repository, digest: Digest.compute(content), mediaType: MediaType.ociManifest, content: content)
        try await metadata.putManifest(ManifestPut(record: manifest, tags: [Tag("v1")!], blobs: [layer], manifests: []))
        return Store(directory: directory, blobs: blobs, metadata: metadata, layer: layer, manifest: manifest)
    }

    @Test func healthyStoreIsClean() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(in: directory)
            let report = try await IntegrityCheck.run(blobs: store.blobs, metadata: store.metadata)
            #expect(report.isClean, "\(report.problems)")
            #expect(report.blobsChecked == 1)
            #expect(report.manifestsChecked == 1)
        }
    }

    @Test func findsACorruptedBlob() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(in: directory)
            let handle = try #require(FileHandle(forUpdatingAtPath: store.layerPath))
            try handle.seek(toOffset: 100)
            try handle.write(contentsOf: Data([0x42, 0x42]))
            try handle.close()
            let report = try await IntegrityCheck.run(blobs: store.blobs, metadata: store.metadata)
            #expect(!report.isClean)
            #expect(report.problems.contains { $0.contains("blob \(store.layer): content hashes to") })
        }
    }

    @Test func findsAMissingBlobAndTheManifestThatNeedsIt() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(in: directory)
            try FileManager.default.removeItem(atPath: store.layerPath)
            let report = try await IntegrityCheck.run(blobs: store.blobs, metadata: store.metadata)
            #expect(report.problems.contains { $0.contains("holds blob \(store.layer), which is missing from the blob store") })
        }
    }

    @Test func findsAManifestWhoseBlobWasRemovedFromTheRepository() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(in: directory)
            _ = try await store.metadata.unlinkBlob(repository: RepositoryName("team/app")!, digest: store.layer)
            let report = try await IntegrityCheck.run(blobs: store.blobs, metadata: store.metadata)
            #expect(report.problems.contains { $0.contains("references blob \(store.layer)") })
            #expect(report.notes.contains { $0.contains("belong to no repository") })
        }
    }

    @Test func findsATruncatedBlob() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(in: directory)
            #expect(truncate(store.layerPath, 10) == 0)
            let report = try await IntegrityCheck.run(blobs: store.blobs, metadata: store.metadata)
            #expect(report.problems.contains { $0.contains("recorded as 5000 bytes, stored as 10") })
        }
    }

    @Test func findsARowThatCannotBeReadBack() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(in: directory)
            try run("/usr/bin/python3", ["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE tags SET digest='sha256:garbage'\"); c.commit()",
                                         directory.appendingPathComponent("metadata.sqlite").path])
            let report = try await IntegrityCheck.run(blobs: store.blobs, metadata: store.metadata)
            #expect(report.problems.contains { $0.hasPrefix("tags: unreadable row") && $0.contains("sha256:garbage") }, "\(report.problems)")
        }
    }
}
