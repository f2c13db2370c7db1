import OCI

extension DeclaredPolicy {
    /// Another replica wrote or deleted the manifest, or its verdict changed there: its verdict here is computed again
    /// from the shared stores (and those of the images it signs), without reporting anything — the replica where it
    /// changed reported it — and without scanning: the replica that took the push scans, and tells when done.
    public func changedElsewhere(_ repository: RepositoryName, _ digest: Digest) async {
        await updatingVerdicts(in: repository) { rules, computer in
            var pending = [digest]
            var done: Set<Digest> = []
            while let next = pending.popLast() {
                guard done.insert(next).inserted else { continue }
                guard let record = try? await metadata.manifest(repository: repository, reference: .digest(next)) else {
                    let removed = state.withLock { $0.remove(next, in: repository) }
                    pending.append(contentsOf: removed?.signs ?? [])
                    continue
                }
                guard let verdict = try? await computer.verdict(for: record, rules: rules, scans: scans, matching: matching) else { continue }
                state.withLock { $0.store(verdict) }
                pending.append(contentsOf: verdict.signs)
            }
            metrics.recount(state.withLock { $0.verdicts }, now: clock())
        }
    }
}
