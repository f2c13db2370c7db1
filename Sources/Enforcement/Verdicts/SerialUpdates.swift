/// Runs verdict updates one at a time, in arrival order. An update reads the stores, verifies, then stores its result;
/// two interleaved updates could otherwise store a verdict computed before the other's write (a signature that landed)
/// over one computed after it. Only repositories with verdicts ever wait here. `VulnerabilityFeed` runs its imports
/// through one of its own, so each import builds on the database the previous one left.
actor SerialUpdates {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func run<T: Sendable>(_ update: @Sendable () async throws -> T) async rethrows -> T {
        await acquire()
        do {
            let result = try await update()
            release()
            return result
        } catch {
            release()
            throw error
        }
    }

    private func acquire() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}
