#if canImport(Glibc)
import Glibc
#endif

/// `count` random bytes, for blobs whose content does not matter.
public func randomBytes(_ count: Int) -> [UInt8] {
    // In one call: a random number per byte takes minutes for a blob of tens of MiB in a debug build.
    [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
        if let start = buffer.baseAddress { arc4random_buf(start, count) }
        initialized = count
    }
}
