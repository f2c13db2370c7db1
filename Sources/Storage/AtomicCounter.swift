import Synchronization

/// A lock-free counter for round-robin choices.
final class AtomicCounter: Sendable {
    private let value = Atomic<Int>(0)

    func next() -> Int {
        value.add(1, ordering: .relaxed).oldValue & Int.max
    }
}
