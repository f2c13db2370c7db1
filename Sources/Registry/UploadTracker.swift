import OCI
import Storage

/// What the registry remembers, in memory, about uploads in progress: the running hash, so each chunk
/// is hashed once as it streams in, and which uploads a request is currently writing to.
///
/// Losing this (a restart) costs only a re-read of the staged bytes.
actor UploadTracker {
    struct Progress: Sendable {
        var hasher: DigestHasher
        var size: Int64
    }

    private var progress: [String: Progress] = [:]
    private var busy: Set<String> = []
    private let maximumRemembered = 10_000

    /// Takes exclusive use of an upload. Returns its remembered progress, if any.
    func acquire(_ id: String) throws(RegistryError) -> Progress? {
        guard busy.insert(id).inserted else {
            throw RegistryError(.blobUploadInvalid, status: .conflict, "another request is writing to this upload; retry when it has finished", detail: id)
        }
        return progress.removeValue(forKey: id)
    }

    /// Gives the upload back, remembering its progress (nil when it is unknown after a failure).
    func release(_ id: String, progress newProgress: Progress?) {
        busy.remove(id)
        if let newProgress {
            if progress.count >= maximumRemembered { progress.removeAll() }
            progress[id] = newProgress
        }
    }
}
