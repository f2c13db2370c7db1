import ContentAnalysis
import Foundation
import NIOCore

/// A layer read through `BlobStore.read`, for stores with no file to hand the scanner (object storage): the blob's
/// chunks pass from the reading task to the scanner's thread a few at a time. The reader waits while `capacity` chunks
/// are queued; the scanner's thread blocks while none is. Whichever side stops first stops the other.
final class LayerChunkQueue: @unchecked Sendable {
    // Guarded by `condition`: the scanner's thread sleeps on it, the reading task is resumed from it.
    private let condition = NSCondition()
    private var chunks: [ByteBuffer] = []
    private var ended = false
    private var failure: (any Error)?
    private var abandoned = false
    private var waitingReader: CheckedContinuation<Void, Never>?
    private let capacity: Int

    init(capacity: Int = 4) {
        self.capacity = capacity
    }

    /// The reading task's side: queues a chunk, waiting for room. Throws once the scanner stopped reading.
    func put(_ chunk: ByteBuffer) async throws {
        while true {
            switch offer(chunk) {
            case .queued: return
            case .abandoned: throw CancellationError()
            case .full: await withCheckedContinuation { continuation in park(continuation) }
            }
        }
    }

    private enum Offer {
        case queued
        case full
        case abandoned
    }

    private func offer(_ chunk: ByteBuffer) -> Offer {
        condition.lock()
        defer { condition.unlock() }
        if abandoned { return .abandoned }
        guard chunks.count < capacity else { return .full }
        chunks.append(chunk)
        condition.signal()
        return .queued
    }

    /// Resumes `continuation` once there is room (at once, when there is already).
    private func park(_ continuation: CheckedContinuation<Void, Never>) {
        condition.lock()
        if chunks.count < capacity || abandoned {
            condition.unlock()
            continuation.resume()
        } else {
            waitingReader = continuation
            condition.unlock()
        }
    }

    /// The reading task is done: at the blob's end (nil), or failed.
    func finish(_ error: (any Error)?) {
        condition.lock()
        ended = true
        failure = error
        condition.signal()
        condition.unlock()
    }

    /// The scanner's side, on its own thread: blocks until a chunk or the end comes.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        condition.lock()
        while chunks.isEmpty && !ended { condition.wait() }
        guard !chunks.isEmpty else {
            let failure = self.failure
            condition.unlock()
            if let failure { throw failure }
            return 0
        }
        let count = min(buffer.count, chunks[0].readableBytes)
        chunks[0].withUnsafeReadableBytes { bytes in buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes.prefix(count))) }
        chunks[0].moveReaderIndex(forwardBy: count)
        if chunks[0].readableBytes == 0 { chunks.removeFirst() }
        let reader = waitingReader
        waitingReader = nil
        condition.unlock()
        reader?.resume()
        return count
    }

    /// The scanner stopped reading (at the end, or at a limit): the reading task stops at its next chunk.
    func abandon() {
        condition.lock()
        abandoned = true
        chunks.removeAll()
        let reader = waitingReader
        waitingReader = nil
        condition.unlock()
        reader?.resume()
    }
}

/// The scanner's view of a `LayerChunkQueue`.
struct StreamedLayerSource: LayerSource {
    let queue: LayerChunkQueue

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try queue.read(into: buffer)
    }
}
