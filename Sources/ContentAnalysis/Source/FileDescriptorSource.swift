#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A layer read from an open file descriptor with read(2). The caller opened the descriptor and closes it.
public struct FileDescriptorSource: LayerSource {
    public let descriptor: Int32

    public init(descriptor: Int32) { self.descriptor = descriptor }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno != EINTR { throw LayerReadError(errno: errno) }
        }
    }
}

/// read(2) failed on a layer's descriptor.
public struct LayerReadError: Error, Sendable, Hashable, CustomStringConvertible {
    public var errno: Int32
    public var description: String { "read failed: \(String(cString: strerror(errno)))" }
}
