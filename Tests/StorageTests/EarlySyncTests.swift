#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Foundation
import NIOCore
import NIOPosix
import OCI
@testable import Storage
import Synchronization
import TestSupport
import Testing

/// Large uploads are synced while they arrive, and no sync failure, early or final, lets an upload become a blob.
@Suite struct EarlySyncTests {
    static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        return pool
    }()

    /// Appends `bytes` in 1 MiB pieces through one writer, as one request would.
    func upload(_ store: FilesystemBlobStore, id: String, _ bytes: [UInt8]) async throws {
        let writer = try await store.openUpload(id: id)
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + (1 << 20), bytes.count)
            try await writer.append(ByteBuffer(bytes: bytes[offset..<end]))
            offset = end
        }
        try await writer.finish()
    }

    @Test func aLargeUploadIsSyncedWhileItArrivesAndASmallOneIsNot() async throws {
        try await withTemporaryDirectory { directory in
            let calls = Atomic<Int>(0)
            let syncs = EarlySyncs(pool: Self.pool) { descriptor in
                calls.add(1, ordering: .relaxed)
                return fdatasync(descriptor) == 0 ? 0 : errno
            }
            let store = try FilesystemBlobStore(root: directory, earlySyncs: syncs)

            let small = randomBytes(EarlySyncs.interval - 1)
            try await upload(store, id: "small", small)
            #expect(calls.load(ordering: .relaxed) == 0)

            let large = randomBytes(2 * EarlySyncs.interval + 12345)
            try await upload(store, id: "large", large)
            let digest = Digest.compute(large)
            try await store.commitUpload(id: "large", as: digest)
            // The commit waits for a running early sync, so every one started has run by now.
            #expect(calls.load(ordering: .relaxed) >= 1)
            var read: [UInt8] = []
            try await store.read(digest, range: 0..<Int64.max) { read += $0.readableBytesView }
            #expect(read == large)
        }
    }

    @Test func anUploadWhoseEarlySyncFailedIsNeverCommitted() async throws {
        try await withTemporaryDirectory { directory in
            let calls = Atomic<Int>(0)
            // The first sync fails as a disk that lost a write would report it; later ones succeed.
            let syncs = EarlySyncs(pool: Self.pool) { descriptor in
                calls.add(1, ordering: .relaxed) == (0, 1) ? EIO : (fdatasync(descriptor) == 0 ? 0 : errno)
            }
            let store = try FilesystemBlobStore(root: directory, earlySyncs: syncs)
            let bytes = randomBytes(EarlySyncs.interval + 4096)
            let digest = Digest.compute(bytes)
            try await upload(store, id: "damaged", bytes)

            for _ in 0..<2 {
                await #expect(throws: BlobStoreError.self) { try await store.commitUpload(id: "damaged", as: digest) }
                #expect(try await store.size(of: digest) == nil)
            }
            #expect(calls.load(ordering: .relaxed) == 1)
            // The staged bytes are gone too, so a server restarted with the same page cache cannot commit them.
            #expect(try await store.uploadSize(id: "damaged") == nil)

            // Starting again under the same id works once the damaged upload is deleted.
            try await store.deleteUpload(id: "damaged")
            try await upload(store, id: "damaged", bytes)
            try await store.commitUpload(id: "damaged", as: digest)
            #expect(try await store.size(of: digest) == Int64(bytes.count))
        }
    }

    @Test func aFailedFinalSyncIsRememberedUntilTheUploadIsForgotten() async throws {
        try await withTemporaryDirectory { directory in
            let syncs = EarlySyncs(pool: Self.pool)
            try await syncs.settle(upload: "clean")
            let staged = directory.appendingPathComponent("lost").path
            #expect(FileManager.default.createFile(atPath: staged, contents: Data("staged".utf8)))
            syncs.discard(upload: "lost", path: staged, because: "fsync: Input/output error")
            #expect(!FileManager.default.fileExists(atPath: staged))
            for _ in 0..<2 {
                await #expect(throws: BlobStoreError.self) { try await syncs.settle(upload: "lost") }
            }
            await syncs.forget(upload: "lost")
            try await syncs.settle(upload: "lost")
        }
    }
}
