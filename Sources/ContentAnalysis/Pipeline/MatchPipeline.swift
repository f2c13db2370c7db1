/// The decompressing thread's end of the pipeline to the `MatchingThread`: it copies the bytes of the files to match
/// into a few fixed-size batches, hands each over when full and waits for an empty one when all are in flight, so
/// decompression and matching overlap in bounded memory (`batchCount × MatchBatch.capacity`).
final class MatchPipeline {
    static let batchCount = 4

    private let filled = BatchQueue()
    private let emptied = BatchQueue()
    private let matching: MatchingThread
    private var batch = MatchBatch()

    init(matcher: SecretMatcher) {
        for _ in 1..<Self.batchCount { emptied.put(MatchBatch()) }
        matching = MatchingThread(matcher: matcher, filled: filled, emptied: emptied)
    }

    func begin(path: String) { batch.begin(path: path) }

    /// The current file's next bytes; `more` says whether the file may go on after them.
    func feed(_ bytes: UnsafeRawBufferPointer, more: Bool) {
        var rest = bytes
        while !rest.isEmpty {
            rest = UnsafeRawBufferPointer(rebasing: rest[batch.append(rest, more: more)...])
            if batch.isFull { handOver() }
        }
    }

    func end() { batch.end() }

    /// Hands over the last batch, waits for the matching thread to finish and returns the findings of every file that
    /// ended. A file begun and not ended reports nothing.
    func finish() -> MatchingThread.Findings {
        if !batch.isEmpty { filled.put(batch) }
        filled.close()
        return matching.wait()
    }

    private func handOver() {
        filled.put(batch)
        batch = emptied.take()!
        batch.reset()
    }
}
