import NIOCore
import OCI
import Storage

/// A blob store that offers blobs only as `BlobStream`s, as object storage does: no file, and the pieces produced on
/// the connection's event loop, each a moment after the previous write completed, so that a pipelined request's
/// response arrives while a stream is under way. With `failingAfter`, a stream fails once it sent that many bytes.
struct StreamedBlobStore: BlobStore {
    let inner: any BlobStore
    var failingAfter: Int?
    static let pieceSize = 64 << 10

    func stream(_ digest: Digest, range: Range<Int64>, on eventLoop: any EventLoop) -> (any BlobStream)? {
        PiecesAfterPauses(inner: inner, digest: digest, range: range, eventLoop: eventLoop, failingAfter: failingAfter)
    }

    struct PiecesAfterPauses: BlobStream {
        let inner: any BlobStore
        let digest: Digest
        let range: Range<Int64>
        let eventLoop: any EventLoop
        let failingAfter: Int?

        struct FailedMidway: Error {}

        func send(_ write: @escaping (ByteBuffer) -> EventLoopFuture<Void>) -> EventLoopFuture<Void> {
            let (inner, digest, range) = (inner, digest, range)
            return eventLoop.makeFutureWithTask { () -> [UInt8] in
                var bytes: [UInt8] = []
                try await inner.read(digest, range: range) { bytes += $0.readableBytesView }
                return bytes
            }.assumeIsolated().flatMap { bytes in
                emit(bytes, from: 0, write)
            }.nonisolated()
        }

        private func emit(_ bytes: [UInt8], from offset: Int, _ write: @escaping (ByteBuffer) -> EventLoopFuture<Void>) -> EventLoopFuture<Void> {
            if let failingAfter, offset >= failingAfter { return eventLoop.makeFailedFuture(FailedMidway()) }
            guard offset < bytes.count else { return eventLoop.makeSucceededVoidFuture() }
            let end = min(offset + StreamedBlobStore.pieceSize, bytes.count)
            return write(ByteBuffer(bytes: bytes[offset..<end])).assumeIsolated().flatMap {
                eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(1)) {}.futureResult
            }.flatMap {
                emit(bytes, from: end, write)
            }.nonisolated()
        }
    }

    func openFile(_ digest: Digest) async throws -> BlobFile? { nil }
    func size(of digest: Digest) async throws -> Int64? { try await inner.size(of: digest) }
    func read(_ digest: Digest, range: Range<Int64>, into sink: (ByteBuffer) async throws -> Void) async throws {
        try await inner.read(digest, range: range, into: sink)
    }
    func contains(_ digest: Digest) -> Bool { inner.contains(digest) }
    func delete(_ digest: Digest) async throws { try await inner.delete(digest) }
    func allDigests() async throws -> [Digest] { try await inner.allDigests() }
    func openUpload(id: String) async throws -> any UploadWriter { try await inner.openUpload(id: id) }
    func uploadSize(id: String) async throws -> Int64? { try await inner.uploadSize(id: id) }
    func readUpload(id: String, into sink: (ByteBuffer) async throws -> Void) async throws { try await inner.readUpload(id: id, into: sink) }
    func commitUpload(id: String, as digest: Digest) async throws { try await inner.commitUpload(id: id, as: digest) }
    func deleteUpload(id: String) async throws { try await inner.deleteUpload(id: id) }
    func allUploads() async throws -> [String] { try await inner.allUploads() }
}
