import Foundation
import NIOCore
import NIOPosix
import OCI
@testable import S3Storage
import Storage
import TestSupport
import Testing

/// The S3 driver's own behaviour on SeaweedFS: uploads shared by replicas, memory bounds, server-side commits, errors.
@Suite(.timeLimit(.minutes(5))) struct S3BlobStoreTests {
    /// Two stores over one prefix are two replicas sharing the bucket: a 21 MiB upload goes in unaligned chunks, each
    /// through the other replica than the one before, each writer finished and dropped as a PATCH's is.
    @Test func replicasTakeTurnsOnOneUpload() async throws {
        let prefix = SeaweedFS.uniquePrefix("replicas")
        let replicas = [try await SeaweedFS.store(prefix: prefix), try await SeaweedFS.store(prefix: prefix)]
        let partSize = SeaweedFS.partSize
        let bytes = randomBytes(21 << 20)
        let id = "shared-upload"
        // Smaller and larger than a part, never aligned to one: partial parts are read back and continued.
        let chunkSizes = [1_000_003, 11 << 20 + 5, 3 << 20, 2_500_000]
        var offset = 0
        var turn = 0
        while offset < bytes.count {
            let end = min(offset + chunkSizes[turn % chunkSizes.count], bytes.count)
            let writer = try await replicas[turn % 2].openWriter(id: id)
            #expect(await writer.size == Int64(offset))
            try await writer.append(ByteBuffer(bytes: bytes[offset..<end]))
            try await writer.finish()
            #expect(await writer.peakBufferedBytes <= partSize)
            offset = end
            turn += 1
            #expect(try await replicas[turn % 2].uploadSize(id: id) == Int64(offset))
        }
        let staged = try await replicas[0].staging.parts(of: id)
        #expect(staged.dropLast().allSatisfy { $0.size == Int64(partSize) })
        #expect(staged.count == 5)

        let digest = Digest.compute(bytes)
        var hasher = DigestHasher(.sha256)
        try await replicas[1].readUpload(id: id) { chunk in chunk.withUnsafeReadableBytes { hasher.update($0) } }
        #expect(hasher.finalize() == digest)

        try await replicas[1].commitUpload(id: id, as: digest)
        #expect(try await replicas[0].size(of: digest) == Int64(bytes.count))
        #expect(replicas[0].contains(digest))
        #expect(try await replicas[0].readAll(digest) == bytes)
        let part = Int64(partSize)
        for range in [part - 3..<part + 3, 2 * part - 1..<4 * part + 1, 0..<1, Int64(bytes.count) - 10..<Int64.max] {
            let expected = Array(bytes[Int(range.lowerBound)..<min(bytes.count, Int(range.upperBound))])
            #expect(try await replicas[1].readAll(digest, range: range) == expected, "range \(range)")
        }
        #expect(try await replicas[0].allUploads().isEmpty)
        #expect(try await replicas[0].client.list(prefix: "\(prefix)/uploads/").objects.isEmpty)
    }

    @Test func aWriterNeverHoldsMoreThanOnePart() async throws {
        let store = try await SeaweedFS.store(prefix: SeaweedFS.uniquePrefix("memory"))
        let writer = try await store.openWriter(id: "big")
        // One append three and a half parts long: it is stored part by part, not held whole.
        let bytes = randomBytes(SeaweedFS.partSize * 7 / 2)
        try await writer.append(ByteBuffer(bytes: bytes))
        #expect(await writer.peakBufferedBytes == SeaweedFS.partSize)
        try await writer.finish()
        #expect(try await store.staging.parts(of: "big").map(\.size) == [5 << 20, 5 << 20, 5 << 20, 5 << 19].map(Int64.init))
        #expect(try await store.stagedBytes("big") == bytes)
    }

    @Test func deletingAnUploadLeavesNoStagedObjects() async throws {
        let prefix = SeaweedFS.uniquePrefix("delete-upload")
        let store = try await SeaweedFS.store(prefix: prefix)
        let writer = try await store.openUpload(id: "doomed")
        try await writer.append(ByteBuffer(bytes: randomBytes(12 << 20)))
        try await writer.finish()
        #expect(try await store.client.list(prefix: "\(prefix)/uploads/doomed/").objects.count == 3)
        try await store.deleteUpload(id: "doomed")
        #expect(try await store.client.list(prefix: "\(prefix)/").objects.isEmpty)
        #expect(try await store.uploadSize(id: "doomed") == nil)
        #expect(try await store.allUploads().isEmpty)
        try await store.deleteUpload(id: "doomed")
    }

    @Test func anEmptyUploadCommitsAnEmptyBlob() async throws {
        let store = try await SeaweedFS.store(prefix: SeaweedFS.uniquePrefix("empty"))
        let writer = try await store.openUpload(id: "nothing")
        #expect(try await store.uploadSize(id: "nothing") == 0)
        try await writer.finish()
        let digest = Digest.compute([UInt8]())
        try await store.commitUpload(id: "nothing", as: digest)
        #expect(try await store.size(of: digest) == 0)
        #expect(try await store.readAll(digest).isEmpty)
        #expect(try await store.allUploads().isEmpty)
    }

    @Test func missingThingsAreReportedAsMissing() async throws {
        let store = try await SeaweedFS.store(prefix: SeaweedFS.uniquePrefix("missing"))
        let digest = Digest.compute(Array("absent".utf8))
        #expect(try await store.size(of: digest) == nil)
        #expect(!store.contains(digest))
        await #expect(throws: BlobStoreError.notFound(digest)) { try await store.readAll(digest) }
        await #expect(throws: BlobStoreError.notFound(digest)) { try await store.readAll(digest, range: 3..<3) }
        await #expect(throws: BlobStoreError.uploadNotFound("ghost")) { try await store.stagedBytes("ghost") }
        await #expect(throws: BlobStoreError.uploadNotFound("ghost")) { try await store.commitUpload(id: "ghost", as: digest) }
        try await store.delete(digest)
        await #expect(throws: BlobStoreError.self) { try await store.openUpload(id: "a/b") }
    }

    /// Ranges at and past the end, empty ranges and empty blobs give what the filesystem store gives.
    @Test func edgeRangesMatchTheFilesystemStore() async throws {
        let s3 = try await SeaweedFS.store(prefix: SeaweedFS.uniquePrefix("ranges"))
        try await withTemporaryDirectory { folder in
            let filesystem = try FilesystemBlobStore(root: folder)
            for bytes in [[UInt8](), randomBytes(10)] {
                let digest = try await s3.put(bytes, id: "s3")
                try await filesystem.put(bytes, id: "fs")
                let ranges: [Range<Int64>] = [0..<Int64.max, 0..<0, 5..<5, 0..<10, 3..<7, 9..<10, 9..<Int64.max, 10..<Int64.max, 10..<20, 11..<12, 50..<Int64.max]
                for range in ranges {
                    let expected = await outcome { try await filesystem.readAll(digest, range: range) }
                    #expect(await outcome { try await s3.readAll(digest, range: range) } == expected, "\(bytes.count) bytes, range \(range)")
                }
            }
        }
    }

    private func outcome(_ body: () async throws -> [UInt8]) async -> String {
        do { return "bytes \(try await body())" } catch { return "error \(error)" }
    }

    /// A wrong secret key makes S3 refuse the signature, and the error says so without showing any key. A HEAD's
    /// refusal has no body, so only its status tells.
    @Test func requestsAreSignedAndErrorsHoldNoSecret() async throws {
        let server = try await RealServers.s3()
        let wrongSecret = "wrong-secret-\(UUID().uuidString)"
        let store = try await SeaweedFS.store(prefix: SeaweedFS.uniquePrefix("signed"), secretKey: wrongSecret)
        let digest = Digest.compute(Array("x".utf8))
        let attempts: [(expected: String, body: () async throws -> Void)] = [
            ("HTTP 403", { _ = try await store.size(of: digest) }),
            ("SignatureDoesNotMatch (HTTP 403)", { _ = try await store.allDigests() }),
            ("SignatureDoesNotMatch (HTTP 403)", { _ = try await store.openUpload(id: "refused") }),
            ("SignatureDoesNotMatch (HTTP 403)", { try await store.readAll(digest) }),
        ]
        for attempt in attempts {
            let error = await #expect(throws: BlobStoreError.self) { try await attempt.body() }
            let message = String(describing: error)
            #expect(message.contains(attempt.expected), "\(message)")
            #expect(!message.contains(wrongSecret) && !message.contains(server.secretKey))
            #expect(!message.contains("Signature="))
        }
        #expect(!store.contains(digest))
    }

    @Test func aPartSmallerThanS3AllowsIsRefused() async throws {
        let server = try await RealServers.s3()
        let credentials = S3Credentials(accessKeyID: server.accessKey, secretAccessKey: server.secretKey)
        #expect(throws: BlobStoreError.self) {
            try S3BlobStore(address: try S3Address("s3://bucket?endpoint=http://127.0.0.1:1"), credentials: credentials, partSize: 1 << 20, httpClient: .shared)
        }
    }

    /// A store that makes its own HTTP client works and closes it.
    @Test func aStoreOwnsItsClientWhenGivenNone() async throws {
        let server = try await RealServers.s3()
        let store = try S3BlobStore(
            address: try await SeaweedFS.address(prefix: SeaweedFS.uniquePrefix("owned")),
            credentials: S3Credentials(accessKeyID: server.accessKey, secretAccessKey: server.secretKey)
        )
        try await store.createBucketIfMissing()
        let digest = try await store.put(Array("owned".utf8), id: "owned")
        #expect(try await store.readAll(digest) == Array("owned".utf8))
        try await store.shutdown()
    }

    /// The conformance check `streamsWhatItReads` checks the bytes of a stream; this, that one is offered at all, on
    /// the HTTP client's own event loops (where a server on NIO's shared group runs), and never elsewhere, where
    /// AsyncHTTPClient could not run the request.
    @Test func streamsAreOfferedOnTheClientsEventLoopsOnly() async throws {
        let store = try await SeaweedFS.store(prefix: SeaweedFS.uniquePrefix("streams"))
        let digest = try await store.put(Array("streamed".utf8), id: "streamed")
        #expect(store.stream(digest, range: 0..<8, on: MultiThreadedEventLoopGroup.singleton.next()) != nil)
        let elsewhere = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        #expect(store.stream(digest, range: 0..<8, on: elsewhere.next()) == nil)
        try await elsewhere.shutdownGracefully()
    }
}
