import Foundation
import OCI
import Synchronization

/// Pull times on their way to the metadata store: a pull records its time here, in memory, and a flush writes the
/// batch, so a `GET` costs no write of its own. A crash loses at most the pulls since the last flush, which only makes
/// `keepPulledWithin` see those manifests as pulled a little earlier.
public final class PullTimeLog: Sendable {
    private struct Key: Hashable {
        let repository: RepositoryName
        let digest: Digest
    }

    private let pending = Mutex<[Key: Date]>([:])

    public init() {}

    public func record(repository: RepositoryName, digest: Digest, at time: Date = Date()) {
        pending.withLock { $0[Key(repository: repository, digest: digest)] = time }
    }

    /// Writes every pull recorded since the last flush. On failure the batch is kept for the next one.
    public func flush(to metadata: any MetadataStore) async throws {
        let batch = pending.withLock { pending in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        guard !batch.isEmpty else { return }
        do {
            try await metadata.recordPulls(batch.map { ManifestPull(repository: $0.key.repository, digest: $0.key.digest, at: $0.value) })
        } catch {
            pending.withLock { pending in pending.merge(batch) { newer, _ in newer } }
            throw error
        }
    }
}
