import OCI
import Storage
import Synchronization

/// Manifests recently read, by repository and reference, so hot pulls are answered from memory.
///
/// Every write to a repository through this process drops that repository's entries, so a read never
/// sees a manifest or tag older than the last write this process made.
final class ManifestCache: Sendable {
    private struct State {
        /// By repository first, so a write drops its repository's entries without scanning the others.
        var entries: [RepositoryName: [Reference: ManifestRecord]] = [:]
        var bytes = 0
        /// Bumped by every invalidation; a read that raced a write must not repopulate the cache.
        var generation: [RepositoryName: UInt64] = [:]
    }

    private let metadata: any MetadataStore
    private let state = Mutex(State())
    private let maximumBytes: Int

    init(metadata: any MetadataStore, maximumBytes: Int = 64 << 20) {
        self.metadata = metadata
        self.maximumBytes = maximumBytes
    }

    func manifest(repository: RepositoryName, reference: Reference) async throws -> ManifestRecord? {
        let (cached, generation) = state.withLock { ($0.entries[repository]?[reference], $0.generation[repository, default: 0]) }
        if let cached { return cached }
        guard let record = try await metadata.manifest(repository: repository, reference: reference) else { return nil }
        state.withLock { state in
            guard state.generation[repository, default: 0] == generation else { return }
            if state.bytes + record.content.count > maximumBytes {
                state.entries.removeAll()
                state.bytes = 0
            }
            state.entries[repository, default: [:]][reference] = record
            state.bytes += record.content.count
        }
        return record
    }

    /// Drops every entry: another replica changed manifests this process may not have heard of.
    func invalidateAll() {
        state.withLock { state in
            for repository in state.entries.keys { state.generation[repository, default: 0] &+= 1 }
            state.entries.removeAll()
            state.bytes = 0
        }
    }

    func invalidate(_ repository: RepositoryName) {
        state.withLock { state in
            state.generation[repository, default: 0] &+= 1
            if let removed = state.entries.removeValue(forKey: repository) {
                state.bytes -= removed.values.reduce(0) { $0 + $1.content.count }
            }
        }
    }
}
