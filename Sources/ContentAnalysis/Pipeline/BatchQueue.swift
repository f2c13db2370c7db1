import Foundation

/// Batches handed from one thread to the other, first in, first out. Unbounded itself: the pool of batches that
/// circulate between two of these queues is what bounds the pipeline's memory.
final class BatchQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var batches: [MatchBatch] = []
    private var closed = false

    func put(_ batch: MatchBatch) {
        condition.lock()
        batches.append(batch)
        condition.signal()
        condition.unlock()
    }

    /// The oldest batch, waiting for one if there is none; nil once the queue is closed and empty.
    func take() -> MatchBatch? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty, !closed { condition.wait() }
        return batches.isEmpty ? nil : batches.removeFirst()
    }

    /// No more batches will be put.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
