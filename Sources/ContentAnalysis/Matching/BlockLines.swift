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

    /// Line feeds in `base[0..<offset]`; offsets must not decrease between calls.
    mutating func count(_ base: UnsafePointer<UInt8>, through offset: Int) -> Int {
        var index = countedThrough
        var total = counted
        while index < offset {
            total &+= base[index] == 0x0a ? 1 : 0
            index &+= 1
        }
        countedThrough = offset
        counted = total
        return total
    }
}
