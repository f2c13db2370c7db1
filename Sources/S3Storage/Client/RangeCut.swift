import NIOCore
import NIOHTTP1

/// The requested range out of a GetObject body. A server that ignores `Range` answers 200 with the whole object, so
/// the range is cut out of it here; a 206 body is the range already and passes whole.
struct RangeCut {
    private var skip: Int64
    private var remaining: Int64

    init(requested range: Range<Int64>?, status: HTTPResponseStatus) {
        let wholeObject = range != nil && status == .ok
        skip = wholeObject ? range!.lowerBound : 0
        remaining = wholeObject ? Int64(range!.count) : .max
    }

    /// Every byte of the range has been passed on; the rest of the body is not wanted.
    var isComplete: Bool { remaining == 0 }

    /// The part of `chunk` inside the range, or nil when none of it is.
    mutating func cut(_ chunk: ByteBuffer) -> ByteBuffer? {
        var chunk = chunk
        let skipped = Int(min(skip, Int64(chunk.readableBytes)))
        chunk.moveReaderIndex(forwardBy: skipped)
        skip -= Int64(skipped)
        if Int64(chunk.readableBytes) > remaining { chunk = chunk.getSlice(at: chunk.readerIndex, length: Int(remaining))! }
        remaining -= Int64(chunk.readableBytes)
        return chunk.readableBytes > 0 ? chunk : nil
    }
}
