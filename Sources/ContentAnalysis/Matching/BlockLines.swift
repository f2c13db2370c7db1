#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds line feeds in a block: forwards with memchr, which scans a word or a vector at a time.
struct BlockLines {
    let base: UnsafePointer<UInt8>
    let count: Int

    /// The first line feed at or after `offset`.
    func next(from offset: Int) -> Int? {
        guard offset < count, let found = memchr(base + offset, 0x0a, count - offset) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    /// The last line feed before `offset`. A loop, not memrchr, which Glibc's module does not export; the lines it
    /// walks back over are short, or it runs once per block.
    func previous(before offset: Int) -> Int? {
        var index = offset - 1
        while index >= 0 {
            if base[index] == 0x0a { return index }
            index -= 1
        }
        return nil
    }
}

/// Counts a block's line feeds lazily and incrementally: each call counts only from where the last one stopped.
struct NewlineCounter {
    private var countedThrough = 0
    private var counted = 0

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let lowBits: UInt64 = 0x7f7f_7f7f_7f7f_7f7f

    /// Line feeds in `base[0..<offset]`; offsets must not decrease between calls.
    mutating func count(_ base: UnsafePointer<UInt8>, through offset: Int) -> Int {
        var index = countedThrough
        var total = counted
        // Eight bytes at a time: a byte of `word ^ feeds` is zero exactly where a line feed was, and the sum with the
        // low bits set leaves a zero byte's high bit clear (no carry crosses bytes, so there are no false positives).
        let raw = UnsafeRawPointer(base)
        while index &+ 8 <= offset {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) ^ (Self.ones &* 0x0a)
            let nonzero = ((word & Self.lowBits) &+ Self.lowBits) | word
            total &+= (~nonzero & ~Self.lowBits).nonzeroBitCount
            index &+= 8
        }
        while index < offset {
            total &+= base[index] == 0x0a ? 1 : 0
            index &+= 1
        }
        countedThrough = offset
        counted = total
        return total
    }
}
