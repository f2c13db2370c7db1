import Crypto
import NIOCore
import WireFormats

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A large blob backed by a file on disk, streamed in fixed-size pieces and never held in memory.
///
/// With a `salt`, the first 32 bytes of the file are replaced by SHA-256(salt): every run can push
/// distinct content (and so a distinct digest) from one file, so a registry cannot skip the upload
/// because the blob already exists.
struct FileBlob: Sendable {
    let path: String
    let size: Int64
    let prefix: [UInt8]

    static let readSize = 1 << 20

    init(path: String, salt: String?) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw BenchError("cannot open \(path): errno \(errno)") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw BenchError("cannot stat \(path): errno \(errno)") }
        self.size = Int64(st.st_size)
        if let salt {
            let p = Array(SHA256.hash(data: Array(salt.utf8)))
            self.prefix = Array(p.prefix(Int(min(Int64(p.count), size))))
        } else {
            self.prefix = []
        }
    }

    /// First pass: the `sha256:` digest of the (salted) content.
    func digest() async throws -> String {
        var hasher = SHA256()
        for try await buffer in chunks(offset: 0, length: size) {
            buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
        }
        return "sha256:" + Hex.string(hasher.finalize())
    }

    /// The bytes in `[offset, offset+length)` as a sequence of buffers of at most `readSize` bytes.
    func chunks(offset: Int64, length: Int64) -> Chunks {
        Chunks(path: path, prefix: prefix, start: offset, end: offset + length)
    }

    struct Chunks: AsyncSequence, Sendable {
        typealias Element = ByteBuffer
        let path: String
        let prefix: [UInt8]
        let start: Int64
        let end: Int64

        func makeAsyncIterator() -> Iterator {
            Iterator(path: path, prefix: prefix, position: start, end: end)
        }

        final class Iterator: AsyncIteratorProtocol {
            let path: String
            let prefix: [UInt8]
            var position: Int64
            let end: Int64
            var fd: Int32 = -1
            let allocator = ByteBufferAllocator()

            init(path: String, prefix: [UInt8], position: Int64, end: Int64) {
                self.path = path
                self.prefix = prefix
                self.position = position
                self.end = end
            }

            deinit {
                if fd >= 0 { close(fd) }
            }

            func next() async throws -> ByteBuffer? {
                guard position < end else {
                    if fd >= 0 {
                        close(fd)
                        fd = -1
                    }
                    return nil
                }
                if fd < 0 {
                    fd = open(path, O_RDONLY)
                    guard fd >= 0 else { throw BenchError("cannot open \(path): errno \(errno)") }
                }
                let want = Int(Swift.min(Int64(FileBlob.readSize), end - position))
                var buffer = allocator.buffer(capacity: want)
                let fd = self.fd
                let offset = position
                var got = 0
                while got < want {
                    let n = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: want - got) { ptr -> Int in
                        let r = pread(fd, ptr.baseAddress, want - got, off_t(offset + Int64(got)))
                        if r < 0 { throw BenchError("read \(path): errno \(errno)") }
                        return r
                    }
                    if n == 0 { throw BenchError("\(path): unexpected end of file at \(offset + Int64(got))") }
                    got += n
                }
                // Overlay the salt prefix on the first bytes of the file.
                if offset < Int64(prefix.count) {
                    let from = Int(offset)
                    let to = Swift.min(prefix.count, from + want)
                    buffer.setBytes(prefix[from..<to], at: buffer.readerIndex)
                }
                position += Int64(want)
                return buffer
            }
        }
    }
}
