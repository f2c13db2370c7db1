import Foundation

extension Array where Element: Sendable {
    /// `map` spread over every core when the array is large enough to pay for it (building and encoding
    /// tens of thousands of canonical objects); the result is in the same order as `map`'s.
    package func concurrentMap<T>(_ transform: @Sendable (Element) -> T) -> [T] {
        ConcurrentMap.build(count: count) { transform(self[$0]) }
    }
}

package enum ConcurrentMap {
    /// Below this many elements per chunk, threads cost more than they save.
    static let minimumChunk = 1024

    /// `(0..<count).map(element)`, computed in chunks on every core.
    package static func build<T>(count: Int, _ element: @Sendable (Int) -> T) -> [T] {
        // A few chunks per core, so that one slow chunk does not leave the other cores idle.
        let chunks = Swift.min(count / minimumChunk, ProcessInfo.processInfo.activeProcessorCount * 4)
        guard chunks > 1 else { return (0..<count).map(element) }
        return [T](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            let output = Slots(base: buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                for index in (chunk * count / chunks)..<((chunk + 1) * count / chunks) {
                    (output.base + index).initialize(to: element(index))
                }
            }
            initializedCount = count
        }
    }

    /// Lets parallel chunks each initialize their own part of the result.
    private struct Slots<T>: @unchecked Sendable {
        let base: UnsafeMutablePointer<T>
    }
}
