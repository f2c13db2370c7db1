import Dispatch
import Foundation

/// The thread that matches file bytes while the caller's thread decompresses the next ones: it takes filled batches,
/// runs each file's `FileMatcher` over them in order and gives each batch back empty.
final class MatchingThread: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    /// Written by the thread before it signals `done`, read only after waiting for it.
    private var findings = Findings()

    /// A layer's findings, at most `kept` of them: a hostile layer of a million fake tokens costs a count, not memory.
    struct Findings {
        static let kept = 1_000
        var list: [SecretFinding] = []
        var omitted = 0

        mutating func add(_ more: [SecretFinding]) {
            let room = max(0, Self.kept - list.count)
            list += more.prefix(room)
            omitted += max(0, more.count - room)
        }
    }

    init(matcher: SecretMatcher, filled: BatchQueue, emptied: BatchQueue) {
        let thread = Thread { [self] in
            findings = Self.match(matcher: matcher, filled: filled, emptied: emptied)
            done.signal()
        }
        thread.start()
    }

    /// Waits until `filled` is closed and drained, and returns the findings of every file that ended.
    func wait() -> Findings {
        done.wait()
        return findings
    }

    private static func match(matcher: SecretMatcher, filled: BatchQueue, emptied: BatchQueue) -> Findings {
        var findings = Findings()
        var file: FileMatcher?
        while let batch = filled.take() {
            for work in batch.work {
                switch work {
                case .begin(let path):
                    file = FileMatcher(matcher: matcher, path: path)
                case .bytes(let range, let more):
                    file?.feed(batch.bytes(range), more: more)
                    if file?.isBinary == true { file = nil }
                case .end:
                    if var ended = file {
                        ended.finish()
                        findings.add(ended.findings)
                    }
                    file = nil
                }
            }
            emptied.put(batch)
        }
        return findings
    }
}
