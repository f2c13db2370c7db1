import Foundation
import NIOCore
import NIOPosix
import OCI
import Storage
import TestSupport
import Testing

/// The contract every `BlobStore` must honour, as checks any driver can run against itself.
///
/// `makeStore` is called with a new empty folder for each check, and again with the same folder where a check
/// reopens the store (as after a restart); the store it returns must then see what the first one wrote. A driver
/// that keeps nothing on the local disk (an object store, say) can use the folder's path as a unique prefix.
public struct BlobStoreConformance: Sendable {
    public typealias MakeStore = @Sendable (URL) async throws -> any BlobStore

    private let makeStore: MakeStore

    public init(makeStore: @escaping MakeStore) { self.makeStore = makeStore }

    public var allChecks: [ConformanceCheck] {
        [
            ConformanceCheck("roundTripsSmallAndLargeBlobs", roundTripsSmallAndLargeBlobs),
            ConformanceCheck("readsRanges", readsRanges),
            ConformanceCheck("unknownBlobsAreReportedAsMissing", unknownBlobsAreReportedAsMissing),
            ConformanceCheck("deletesAndLists", deletesAndLists),
            ConformanceCheck("committingTheSameContentTwiceKeepsOneBlob", committingTheSameContentTwiceKeepsOneBlob),
            ConformanceCheck("uploadsResumeWhereTheyStopped", uploadsResumeWhereTheyStopped),
            ConformanceCheck("streamsWhatItReads", streamsWhatItReads),
        ]
    }

    /// Runs every check; each failure is recorded as an issue of the running test, naming its check.
    public func run() async { await allChecks.run() }

    private func put(_ store: any BlobStore, _ bytes: [UInt8], chunk: Int = 64 * 1024) async throws -> Digest {
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

    private func readAll(_ store: any BlobStore, _ digest: Digest, range: Range<Int64> = 0..<Int64.max) async throws -> [UInt8] {
        var result: [UInt8] = []
        try await store.read(digest, range: range) { result += $0.readableBytesView }
        return result
    }

    public func roundTripsSmallAndLargeBlobs() async throws {
        let check: Comment = "BlobStoreConformance.roundTripsSmallAndLargeBlobs"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            for size in [0, 1, 4096, 3 * (1 << 20) + 17] {
                let bytes = randomBytes(size)
                let digest = try await put(store, bytes)
                #expect(try await store.size(of: digest) == Int64(size), check)
                #expect(try await readAll(store, digest) == bytes, check)
            }
        }
    }

    public func readsRanges() async throws {
        let check: Comment = "BlobStoreConformance.readsRanges"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            let bytes = randomBytes(2 * (1 << 20) + 5)
            let digest = try await put(store, bytes)
            #expect(try await readAll(store, digest, range: 10..<20) == Array(bytes[10..<20]), check)
            let tail = Int64(bytes.count - 3)..<Int64(bytes.count)
            #expect(try await readAll(store, digest, range: tail) == Array(bytes.suffix(3)), check)
            let across = Int64(1 << 20) - 5..<Int64(1 << 20) + 5
            #expect(try await readAll(store, digest, range: across) == Array(bytes[(1 << 20) - 5..<(1 << 20) + 5]), check)
        }
    }

    public func unknownBlobsAreReportedAsMissing() async throws {
        let check: Comment = "BlobStoreConformance.unknownBlobsAreReportedAsMissing"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            let digest = Digest.compute([1, 2, 3])
            #expect(try await store.size(of: digest) == nil, check)
            await #expect(throws: BlobStoreError.notFound(digest), check) {
                try await store.read(digest, range: 0..<10) { _ in }
            }
        }
    }

    public func deletesAndLists() async throws {
        let check: Comment = "BlobStoreConformance.deletesAndLists"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            let first = try await put(store, randomBytes(100))
            let second = try await put(store, randomBytes(200))
            #expect(try await store.allDigests() == [first, second].sorted(), check)
            try await store.delete(first)
            #expect(try await store.size(of: first) == nil, check)
            #expect(try await store.allDigests() == [second], check)
            try await store.delete(first)
        }
    }

    public func committingTheSameContentTwiceKeepsOneBlob() async throws {
        let check: Comment = "BlobStoreConformance.committingTheSameContentTwiceKeepsOneBlob"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            let bytes = randomBytes(1000)
            let first = try await put(store, bytes)
            let second = try await put(store, bytes)
            #expect(first == second, check)
            #expect(try await store.allDigests() == [first], check)
            #expect(try await store.allUploads().isEmpty, check)
        }
    }

    public func uploadsResumeWhereTheyStopped() async throws {
        let check: Comment = "BlobStoreConformance.uploadsResumeWhereTheyStopped"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            let id = "resumable"
            #expect(try await store.uploadSize(id: id) == nil, check)
            let bytes = randomBytes(300_000)
            var writer = try await store.openUpload(id: id)
            try await writer.append(ByteBuffer(bytes: bytes[0..<100_000]))
            try await writer.finish()
            #expect(try await store.uploadSize(id: id) == 100_000, check)

            // A new store over the same folder, as after a restart.
            let reopened = try await makeStore(directory)
            writer = try await reopened.openUpload(id: id)
            #expect(await writer.size == 100_000, check)
            try await writer.append(ByteBuffer(bytes: bytes[100_000...]))
            try await writer.finish()
            var staged: [UInt8] = []
            try await reopened.readUpload(id: id) { staged += $0.readableBytesView }
            #expect(staged == bytes, check)
            #expect(try await reopened.allUploads() == [id], check)
            try await reopened.deleteUpload(id: id)
            #expect(try await reopened.uploadSize(id: id) == nil, check)
            #expect(try await reopened.allUploads().isEmpty, check)
        }
    }

    /// A store that offers streams on an event loop sends through one exactly the bytes `read` gives, and asks for
    /// the next piece only after the previous write completed. A store that offers none has nothing to check here.
    public func streamsWhatItReads() async throws {
        let check: Comment = "BlobStoreConformance.streamsWhatItReads"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            let bytes = randomBytes(3 * (1 << 20) + 17)
            let digest = try await put(store, bytes)
            let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
            let size = Int64(bytes.count)
            let ranges: [Range<Int64>] = [0..<size, 10..<20, size - 3..<size, Int64(1 << 20) - 5..<Int64(1 << 20) + 5]
            for range in ranges {
                guard let stream = store.stream(digest, range: range, on: eventLoop) else { return }
                let received = try await SlowConnection.receive(stream, on: eventLoop)
                let named: Comment = "\(check) (range \(range))"
                #expect(received.bytes == Array(bytes[Int(range.lowerBound)..<Int(range.upperBound)]), named)
                #expect(received.writesWhilePending == 0, named)
            }
        }
    }
}

/// What a stream sends, collected as a slow connection would: each write completes a moment after it was made.
/// Unchecked `Sendable`: the state is touched only on the stream's event loop.
private final class SlowConnection: @unchecked Sendable {
    private(set) var bytes: [UInt8] = []
    /// Writes made while the previous one had not completed: a stream that does not wait.
    private(set) var writesWhilePending = 0
    private var pending = false

    static func receive(_ stream: any BlobStream, on eventLoop: any EventLoop) async throws -> SlowConnection {
        let connection = SlowConnection()
        try await eventLoop.flatSubmit {
            stream.send { piece in
                if connection.pending { connection.writesWhilePending += 1 }
                connection.pending = true
                connection.bytes += piece.readableBytesView
                return eventLoop.scheduleTask(in: .milliseconds(1)) { connection.pending = false }.futureResult
            }
        }.get()
        return connection
    }
}
