import Foundation

/// `count` random bytes from the system generator.
public func randomBytes(_ count: Int) -> [UInt8] {
    // In one call: a random number per byte takes minutes for a blob of tens of MiB in a debug build.
    [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
        if let start = buffer.baseAddress { arc4random_buf(start, count) }
        initialized = count
    }
}
