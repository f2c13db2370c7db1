/// A fixed-size buffer of file bytes copied out of libarchive, and the work they are part of. Owned by one thread at a
/// time: the decompressing thread fills it, the matching thread empties it, and it passes between them only through a
/// `BatchQueue`, whose lock orders every access.
final class MatchBatch: @unchecked Sendable {
    static let capacity = 256 << 10

    private let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: MatchBatch.capacity, alignment: 64)
    private var used = 0
    private(set) var work: [MatchWork] = []

    deinit { storage.deallocate() }

    var isEmpty: Bool { work.isEmpty }
    var isFull: Bool { used == Self.capacity }

    func reset() {
        used = 0
        work.removeAll(keepingCapacity: true)
    }

    func begin(path: String) { work.append(.begin(path: path)) }

    func end() { work.append(.end) }

    /// Copies as much of `bytes` as fits and returns how much that was. Bytes following the current file's last ones
    /// in this batch extend them, so the matcher gets one long block rather than libarchive's many short ones.
    func append(_ bytes: UnsafeRawBufferPointer, more: Bool) -> Int {
        let count = min(bytes.count, Self.capacity - used)
        guard count > 0, let source = bytes.baseAddress else { return 0 }
        (storage.baseAddress! + used).copyMemory(from: source, byteCount: count)
        let more = more || count < bytes.count
        if case .bytes(let range, _) = work.last {
            work[work.count - 1] = .bytes(range: range.lowerBound..<used + count, more: more)
        } else {
            work.append(.bytes(range: used..<used + count, more: more))
        }
        used += count
        return count
    }

    func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: storage[range])
    }
}
