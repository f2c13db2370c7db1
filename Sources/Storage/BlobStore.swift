#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import NIOCore
import OCI
import Synchronization

/// Content-addressed blob storage plus the staging area for uploads in progress.
///
/// A blob is visible under its digest only once complete and durable; an upload's bytes are staged
/// under its session id until `commitUpload` moves them into place.
public protocol BlobStore: Sendable {
    /// The blob's size, or nil when the store does not have it.
    func size(of digest: Digest) async throws -> Int64?
    /// Streams `range` of the blob to `sink`, in order, never holding the whole blob in memory.
    func read(_ digest: Digest, range: Range<Int64>, into sink: (ByteBuffer) async throws -> Void) async throws
    /// The blob as an open local file, when the store keeps blobs in files, so a server can hand it to the
    /// kernel (sendfile) instead of copying it through `read`. Nil when the store does not have the blob, or
    /// cannot offer a file.
    func openFile(_ digest: Digest) async throws -> BlobFile?
    /// `range` of the blob (which the caller found in the store), to be sent on `eventLoop`, when the store can produce
    /// it there; nil when it cannot (the caller then uses `read`). Nothing is requested before `send`.
    func stream(_ digest: Digest, range: Range<Int64>, on eventLoop: any EventLoop) -> (any BlobStream)?
    /// Whether the blob is there now, answered at once: asked inside the metadata transaction that links it.
    func contains(_ digest: Digest) -> Bool
    func delete(_ digest: Digest) async throws
    /// Every blob the store holds, for integrity checks and garbage collection.
    func allDigests() async throws -> [Digest]

    /// Opens (creating when absent) the staging area of an upload, positioned at its end.
    func openUpload(id: String) async throws -> any UploadWriter
    /// Bytes staged so far, or nil when no such upload exists.
    func uploadSize(id: String) async throws -> Int64?
    /// Streams the bytes staged so far (used to rebuild a hash after a restart).
    func readUpload(id: String, into sink: (ByteBuffer) async throws -> Void) async throws
    /// Makes a finished upload the blob `digest`, durably: once this returns, the blob survives a crash.
    /// The caller has verified the digest.
    func commitUpload(id: String, as digest: Digest) async throws
    func deleteUpload(id: String) async throws
    /// Ids of every upload staged, for cleanup of abandoned sessions.
    func allUploads() async throws -> [String]
}

extension BlobStore {
    public func openFile(_ digest: Digest) async throws -> BlobFile? { nil }
    public func stream(_ digest: Digest, range: Range<Int64>, on eventLoop: any EventLoop) -> (any BlobStream)? { nil }
}

/// A blob's open file descriptor. Whoever `take`s the descriptor closes it; until then, and whenever it is
/// never taken (a response dropped before it was sent), the file closes with this object.
public final class BlobFile: Sendable {
    public let size: Int64
    private let descriptor: Mutex<CInt?>

    public init(descriptor: CInt, size: Int64) {
        self.descriptor = Mutex(descriptor)
        self.size = size
    }

    /// The descriptor, now owned by the caller; nil when it was taken before.
    public func take() -> CInt? {
        descriptor.withLock { descriptor in
            defer { descriptor = nil }
            return descriptor
        }
    }

    deinit {
        if let descriptor = take() { close(descriptor) }
    }
}

/// Appends bytes to one staged upload.
public protocol UploadWriter: Sendable {
    /// Bytes in the upload, counting every accepted `append`.
    var size: Int64 { get async }
    /// Queues bytes for writing. May return before they reach the disk; errors surface at the latest in `finish`.
    func append(_ buffer: ByteBuffer) async throws
    /// Waits until everything appended is written (readable, not yet durable: `commitUpload` makes a blob
    /// durable), then releases the writer.
    func finish() async throws
    /// Releases the writer after a failure; bytes may or may not have been written.
    func abandon() async
}

public enum BlobStoreError: Error, Sendable, Equatable {
    case notFound(Digest)
    case uploadNotFound(String)
    case rangeNotSatisfiable
    case io(String)
}
