#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether a file is binary: a NUL byte in its first `length` bytes, looked for block by block as the file streams.
struct BinarySniff {
    static let length = 8 << 10

    private var sniffed = 0
    private(set) var isBinary = false

    /// Looks at the file's next block; true once a NUL has been seen within the first `length` bytes.
    mutating func look(at base: UnsafePointer<UInt8>, count: Int) -> Bool {
        guard !isBinary, sniffed < Self.length else { return isBinary }
        let length = min(count, Self.length - sniffed)
        if memchr(base, 0, length) != nil { isBinary = true }
        sniffed += length
        return isBinary
    }
}
