#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import CSystemCalls
import Foundation
import NIOCore
import NIOPosix
import OCI
import Synchronization

/// Blobs as files named by their digest under `root/blobs/<algorithm>/<first two hex>/<hex>`,
/// uploads as files under `root/uploads/<id>`.
///
/// A blob file only ever appears by renaming a fully written, fsync'd upload, and the rename is made
/// durable by syncing the directory, so a crash leaves either no blob or a complete one.
public final class FilesystemBlobStore: BlobStore {
    public let root: URL
    private let blobsDirectory: String
    private let uploadsDirectory: String
    let pool: NIOThreadPool
    let earlySyncs: EarlySyncs

    /// Blocking file work runs here. Wider than the core count so that fsyncs of concurrent
    /// uploads overlap and the filesystem can commit them together.
    private static let sharedPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 8)
        pool.start()
        return pool
    }()

    static let readChunkSize = 512 << 10

    public convenience init(root: URL) throws {
        try self.init(root: root, earlySyncs: EarlySyncs(pool: Self.sharedPool))
    }

    init(root: URL, earlySyncs: EarlySyncs) throws {
        self.root = root
        blobsDirectory = root.appendingPathComponent("blobs").path
        uploadsDirectory = root.appendingPathComponent("uploads").path
        pool = Self.sharedPool
        self.earlySyncs = earlySyncs
        for directory in [blobsDirectory, uploadsDirectory] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
    }

    func path(of digest: Digest) -> String {
        "\(blobsDirectory)/\(digest.algorithm.rawValue)/\(digest.hex.prefix(2))/\(digest.hex)"
    }

    func uploadPath(_ id: String) -> String {
        "\(uploadsDirectory)/\(id)"
    }

    public func size(of digest: Digest) async throws -> Int64? {
        let path = path(of: digest)
        return try await pool.runIfActive { try FileSystemCalls.size(path) }
    }

    public func read(_ digest: Digest, range: Range<Int64>, into sink: (ByteBuffer) async throws -> Void) async throws {
        guard try await stream(path: path(of: digest), range: range, into: sink) else { throw BlobStoreError.notFound(digest) }
    }

    public func openFile(_ digest: Digest) async throws -> BlobFile? {
        let path = path(of: digest)
        return try await pool.runIfActive {
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                if errno == ENOENT || errno == ENOTDIR { return nil }
                throw FileSystemCalls.error("open", path)
            }
            var info = stat()
            guard fstat(descriptor, &info) == 0 else {
                close(descriptor)
                throw FileSystemCalls.error("stat", path)
            }
            // Blobs are read front to back: a larger readahead window keeps the disk ahead of the socket.
            _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_SEQUENTIAL)
            return BlobFile(descriptor: descriptor, size: Int64(info.st_size))
        }
    }

    public func contains(_ digest: Digest) -> Bool {
        access(path(of: digest), F_OK) == 0
    }

    public func delete(_ digest: Digest) async throws {
        let path = path(of: digest)
        try await pool.runIfActive {
            guard unlink(path) == 0 || errno == ENOENT else { throw FileSystemCalls.error("unlink", path) }
        }
    }

    public func allDigests() async throws -> [Digest] {
        let base = blobsDirectory
        return try await pool.runIfActive {
            var digests: [Digest] = []
            for algorithm in Digest.Algorithm.allCases {
                let algorithmDirectory = "\(base)/\(algorithm.rawValue)"
                for prefix in (try? FileManager.default.contentsOfDirectory(atPath: algorithmDirectory)) ?? [] {
                    for name in (try? FileManager.default.contentsOfDirectory(atPath: "\(algorithmDirectory)/\(prefix)")) ?? [] {
                        if let digest = Digest("\(algorithm.rawValue):\(name)") { digests.append(digest) }
                    }
                }
            }
            return digests.sorted()
        }
    }

    public func openUpload(id: String) async throws -> any UploadWriter {
        let path = uploadPath(id)
        let (descriptor, size) = try await pool.runIfActive {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw FileSystemCalls.error("open", path) }
            var info = stat()
            guard fstat(descriptor, &info) == 0 else {
                close(descriptor)
                throw FileSystemCalls.error("stat", path)
            }
            return (descriptor, Int64(info.st_size))
        }
        return FileUploadWriter(id: id, path: path, descriptor: descriptor, offset: size, pool: pool, earlySyncs: earlySyncs)
    }

    public func uploadSize(id: String) async throws -> Int64? {
        let path = uploadPath(id)
        return try await pool.runIfActive { try FileSystemCalls.size(path) }
    }

    public func readUpload(id: String, into sink: (ByteBuffer) async throws -> Void) async throws {
        guard try await stream(path: uploadPath(id), range: 0..<Int64.max, into: sink) else { throw BlobStoreError.uploadNotFound(id) }
    }

    public func commitUpload(id: String, as digest: Digest) async throws {
        let source = uploadPath(id)
        let target = path(of: digest)
        try await earlySyncs.settle(upload: id)
        try await pool.runIfActive { [earlySyncs] in
            let directory = (target as NSString).deletingLastPathComponent
            try FileSystemCalls.makeDirectoryDurably(directory)
            if access(target, F_OK) == 0 {
                // Same digest, same bytes: keep the blob already in place.
                unlink(source)
                return
            }
            // Durable only now: a chunked upload's PATCHes need not be (early syncs only save time here), since a
            // crash that loses some of their bytes shows as a shorter upload or a digest that does not match.
            do {
                try FileSystemCalls.syncData(source)
            } catch {
                earlySyncs.discard(upload: id, path: source, because: "\(error)")
                throw error
            }
            guard rename(source, target) == 0 else { throw FileSystemCalls.error("rename", source) }
            try FileSystemCalls.syncDirectory(directory)
        }
    }

    public func deleteUpload(id: String) async throws {
        let path = uploadPath(id)
        try await pool.runIfActive {
            guard unlink(path) == 0 || errno == ENOENT else { throw FileSystemCalls.error("unlink", path) }
        }
        await earlySyncs.forget(upload: id)
    }

    public func allUploads() async throws -> [String] {
        let directory = uploadsDirectory
        return try await pool.runIfActive { try FileManager.default.contentsOfDirectory(atPath: directory).sorted() }
    }

    /// Streams part of a file, reading the next chunk while the previous one is being sent.
    /// Returns false when the file does not exist.
    private func stream(path: String, range: Range<Int64>, into sink: (ByteBuffer) async throws -> Void) async throws -> Bool {
        let pool = self.pool
        let descriptor = try await pool.runIfActive { () -> Int32 in
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            if descriptor < 0, errno != ENOENT { throw FileSystemCalls.error("open", path) }
            return descriptor
        }
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        let chunkSize = Self.readChunkSize
        @Sendable func readChunk(at offset: Int64, limit: Int64) async throws -> ByteBuffer {
            try await pool.runIfActive {
                var buffer = ByteBufferAllocator().buffer(capacity: Int(min(Int64(chunkSize), limit)))
                _ = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 0) { pointer in
                    let wanted = min(pointer.count, Int(min(Int64(chunkSize), limit)))
                    while true {
                        let result = pread(descriptor, pointer.baseAddress, wanted, off_t(offset))
                        if result >= 0 { return result }
                        if errno != EINTR { throw FileSystemCalls.error("read", path) }
                    }
                }
                return buffer
            }
        }
        let start = range.lowerBound
        let end = range.upperBound
        var offset = start
        var next: Task<ByteBuffer, any Error>? = start < end ? Task { try await readChunk(at: start, limit: end - start) } : nil
        while let current = next {
            let chunk = try await current.value
            if chunk.readableBytes == 0 { break }
            offset += Int64(chunk.readableBytes)
            let chunkOffset = offset
            next = chunkOffset < end ? Task { try await readChunk(at: chunkOffset, limit: end - chunkOffset) } : nil
            do {
                try await sink(chunk)
            } catch {
                next?.cancel()
                _ = try? await next?.value
                throw error
            }
        }
        return true
    }
}

/// Appends to an upload file, writing batches on the IO pool while the caller keeps receiving and hashing.
///
/// Batches are written one after another: concurrent writes to one file only contend for its inode lock.
/// Every `EarlySyncs.interval` bytes it starts an early sync, which no write waits for.
/// Not an actor: `append` runs on the caller's executor, so a body chunk costs no hop to another thread.
final class FileUploadWriter: UploadWriter {
    private struct State {
        var queuedOffset: Int64
        var batch: [ByteBuffer] = []
        var batchBytes = 0
        var inFlight: [Task<Void, any Error>] = []
        var bytesSinceEarlySync = 0
        var closed = false
    }

    private let id: String
    private let path: String
    private let descriptor: Int32
    private let pool: NIOThreadPool
    private let earlySyncs: EarlySyncs
    private let state: Mutex<State>

    static let batchSize = 1 << 20
    static let maximumInFlight = 2

    init(id: String, path: String, descriptor: Int32, offset: Int64, pool: NIOThreadPool, earlySyncs: EarlySyncs) {
        self.id = id
        self.path = path
        self.descriptor = descriptor
        self.pool = pool
        self.earlySyncs = earlySyncs
        self.state = Mutex(State(queuedOffset: offset))
    }

    var size: Int64 { state.withLock { $0.queuedOffset } }

    func append(_ buffer: ByteBuffer) async throws {
        guard buffer.readableBytes > 0 else { return }
        let oldest = state.withLock { state -> Task<Void, any Error>? in
            precondition(!state.closed, "append after finish")
            state.batch.append(buffer)
            state.batchBytes += buffer.readableBytes
            state.queuedOffset += Int64(buffer.readableBytes)
            guard state.batchBytes >= Self.batchSize else { return nil }
            dispatchBatch(&state)
            return state.inFlight.count > Self.maximumInFlight ? state.inFlight.removeFirst() : nil
        }
        try await oldest?.value
    }

    private func dispatchBatch(_ state: inout State) {
        guard state.batchBytes > 0 else { return }
        let buffers = state.batch
        let length = state.batchBytes
        let start = state.queuedOffset - Int64(length)
        state.batch.removeAll(keepingCapacity: true)
        state.batchBytes = 0
        state.bytesSinceEarlySync += length
        if state.bytesSinceEarlySync >= EarlySyncs.interval {
            state.bytesSinceEarlySync = 0
            earlySyncs.start(upload: id, path: path, descriptor: descriptor)
        }
        let descriptor = self.descriptor
        let previous = state.inFlight.last
        state.inFlight.append(Task { [pool] in
            try await previous?.value
            try await pool.runIfActive {
                try FileSystemCalls.write(buffers, to: descriptor, at: start)
                FileSystemCalls.startWriteback(descriptor, offset: start, length: length)
            }
        })
    }

    func finish() async throws {
        let pending = state.withLock { state in
            dispatchBatch(&state)
            defer { state.inFlight.removeAll() }
            return state.inFlight
        }
        defer { release() }
        for task in pending { try await task.value }
    }

    func abandon() async {
        let pending = state.withLock { state in
            defer { state.inFlight.removeAll() }
            return state.inFlight
        }
        for task in pending { _ = try? await task.value }
        release()
    }

    private func release() {
        let wasOpen = state.withLock { state in
            defer { state.closed = true }
            return !state.closed
        }
        if wasOpen { close(descriptor) }
    }
}

enum FileSystemCalls {
    static func error(_ operation: String, _ path: String) -> BlobStoreError {
        .io("\(operation) \(path): \(String(cString: strerror(errno)))")
    }

    static func size(_ path: String) throws -> Int64? {
        var info = stat()
        if stat(path, &info) == 0 { return Int64(info.st_size) }
        if errno == ENOENT || errno == ENOTDIR { return nil }
        throw error("stat", path)
    }

    static func syncData(_ path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw error("open", path) }
        defer { close(descriptor) }
        guard fdatasync(descriptor) == 0 else { throw error("fsync", path) }
    }

    static func syncDirectory(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw error("open", path) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw error("fsync", path) }
    }

    /// Creates the directory and any missing parents, syncing each parent that gained an entry.
    static func makeDirectoryDurably(_ path: String) throws {
        if access(path, F_OK) == 0 { return }
        let parent = (path as NSString).deletingLastPathComponent
        try makeDirectoryDurably(parent)
        if mkdir(path, 0o755) != 0, errno != EEXIST { throw error("mkdir", path) }
        try syncDirectory(parent)
    }

    /// Writes all of `buffers` at `offset`, as few system calls as the kernel allows (pwritev).
    static func write(_ buffers: [ByteBuffer], to descriptor: Int32, at offset: Int64) throws {
        var vectors: [iovec] = []
        var storages: [Unmanaged<AnyObject>] = []
        vectors.reserveCapacity(buffers.count)
        storages.reserveCapacity(buffers.count)
        for buffer in buffers {
            // The storage stays retained until the write is done, so the pointers stay valid outside the closure.
            buffer.withUnsafeReadableBytesWithStorageManagement { bytes, storage in
                storages.append(storage.retain())
                vectors.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress), iov_len: bytes.count))
            }
        }
        defer { for storage in storages { storage.release() } }
        var index = 0
        var position = offset
        while index < vectors.count {
            let count = min(vectors.count - index, 1024)  // IOV_MAX on Linux
            let written = vectors.withUnsafeMutableBufferPointer { pwritev(descriptor, $0.baseAddress! + index, Int32(count), off_t(position)) }
            if written < 0 {
                if errno == EINTR { continue }
                throw BlobStoreError.io("write failed: \(String(cString: strerror(errno)))")
            }
            position += Int64(written)
            // Skip what was written; a short write leaves the rest of a vector to go next time.
            var remaining = written
            while index < vectors.count, remaining >= vectors[index].iov_len {
                remaining -= vectors[index].iov_len
                index += 1
            }
            if remaining > 0 {
                vectors[index].iov_base += remaining
                vectors[index].iov_len -= remaining
            }
        }
    }

    /// Asks the kernel to start writing dirty pages now, so the final fsync has little left to wait for.
    static func startWriteback(_ descriptor: Int32, offset: Int64, length: Int) {
        _ = berth_start_writeback(descriptor, offset, Int64(length))
    }
}
