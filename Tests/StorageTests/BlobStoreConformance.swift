import Foundation
import NIOCore
import OCI
import Storage
import TestSupport
import Testing

/// The contract every `BlobStore` must honour.
@Suite struct BlobStoreConformance {
    func put(_ store: any BlobStore, _ bytes: [UInt8], chunk: Int = 64 * 1024) async throws -> Digest {
        let id = UUID().uuidString.lowercased()
        let writer = try await store.openUpload(id: id)
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + chunk, bytes.count)
            try await writer.append(ByteBuffer(bytes: bytes[offset..<end]))
            offset = end
        }
        try await writer.finish()
        let digest = Digest.compute(bytes)
        try await store.commitUpload(id: id, as: digest)
        return digest
    }

    func readAll(_ store: any BlobStore, _ digest: Digest, range: Range<Int64> = 0..<Int64.max) async throws -> [UInt8] {
        var result: [UInt8] = []
        try await store.read(digest, range: range) { result += $0.readableBytesView }
        return result
    }

    @Test(arguments: BlobDriver.allCases)
    func roundTripsSmallAndLargeBlobs(driver: BlobDriver) async throws {
        try await withTemporaryDirectory { directory in
            let store = try driver.make(in: directory)
            for size in [0, 1, 4096, 3 * (1 << 20) + 17] {
                let bytes = randomBytes(size)
                let digest = try await put(store, bytes)
                #expect(try await store.size(of: digest) == Int64(size))
                #expect(try await readAll(store, digest) == bytes)
            }
        }
    }

    @Test(arguments: BlobDriver.allCases)
    func readsRanges(driver: BlobDriver) async throws {
        try await withTemporaryDirectory { directory in
            let store = try driver.make(in: directory)
            let bytes = randomBytes(2 * (1 << 20) + 5)
            let digest = try await put(store, bytes)
            #expect(try await readAll(store, digest, range: 10..<20) == Array(bytes[10..<20]))
            let tail = Int64(bytes.count - 3)..<Int64(bytes.count)
            #expect(try await readAll(store, digest, range: tail) == Array(bytes.suffix(3)))
            let across = Int64(1 << 20) - 5..<Int64(1 << 20) + 5
            #expect(try await readAll(store, digest, range: across) == Array(bytes[(1 << 20) - 5..<(1 << 20) + 5]))
        }
    }

    @Test(arguments: BlobDriver.allCases)
    func unknownBlobsAreReportedAsMissing(driver: BlobDriver) async throws {
        try await withTemporaryDirectory { directory in
            let store = try driver.make(in: directory)
            let digest = Digest.compute([1, 2, 3])
            #expect(try await store.size(of: digest) == nil)
            await #expect(throws: BlobStoreError.notFound(digest)) {
                try await store.read(digest, range: 0..<10) { _ in }
            }
        }
    }

    @Test(arguments: BlobDriver.allCases)
    func deletesAndLists(driver: BlobDriver) async throws {
        try await withTemporaryDirectory { directory in
            let store = try driver.make(in: directory)
            let first = try await put(store, randomBytes(100))
            let second = try await put(store, randomBytes(200))
            #expect(try await store.allDigests() == [first, second].sorted())
            try await store.delete(first)
            #expect(try await store.size(of: first) == nil)
            #expect(try await store.allDigests() == [second])
            try await store.delete(first)
        }
    }

    @Test(arguments: BlobDriver.allCases)
    func committingTheSameContentTwiceKeepsOneBlob(driver: BlobDriver) async throws {
        try await withTemporaryDirectory { directory in
            let store = try driver.make(in: directory)
            let bytes = randomBytes(1000)
            let first = try await put(store, bytes)
            let second = try await put(store, bytes)
            #expect(first == second)
            #expect(try await store.allDigests() == [first])
            #expect(try await store.allUploads().isEmpty)
        }
    }

    @Test(arguments: BlobDriver.allCases)
    func uploadsResumeWhereTheyStopped(driver: BlobDriver) async throws {
        try await withTemporaryDirectory { directory in
            let store = try driver.make(in: directory)
            let id = "resumable"
            #expect(try await store.uploadSize(id: id) == nil)
            let bytes = randomBytes(300_000)
            var writer = try await store.openUpload(id: id)
            try await writer.append(ByteBuffer(bytes: bytes[0..<100_000]))
            try await writer.finish()
            #expect(try await store.uploadSize(id: id) == 100_000)

            // A new store over the same folder, as after a restart.
            let reopened = try driver.make(in: directory)
            writer = try await reopened.openUpload(id: id)
            #expect(await writer.size == 100_000)
            try await writer.append(ByteBuffer(bytes: bytes[100_000...]))
            try await writer.finish()
            var staged: [UInt8] = []
            try await reopened.readUpload(id: id) { staged += $0.readableBytesView }
            #expect(staged == bytes)
            #expect(try await reopened.allUploads() == [id])
            try await reopened.deleteUpload(id: id)
            #expect(try await reopened.uploadSize(id: id) == nil)
            #expect(try await reopened.allUploads().isEmpty)
        }
    }
}
