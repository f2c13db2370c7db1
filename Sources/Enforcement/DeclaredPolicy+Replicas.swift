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

    /// The images whose verdict here waits for a layer scan.
    public var imagesAwaitingScans: Set<ManifestKey> {
        state.withLock { state in
            Set(state.verdicts.values.lazy.flatMap(\.verdicts.values).filter { !Self.awaitedLayers(of: $0).isEmpty }
                .map { ManifestKey(repository: $0.repository, digest: $0.digest) })
        }
    }

    /// Starts here the scans the verdicts of `images` still wait for: the replica that took their push scans them, and
    /// may have died doing it. A report stored meanwhile (that replica finished after all) is used, not scanned again.
    public func resumeScans(of images: Set<ManifestKey>) async {
        let verdicts = state.withLock { state in images.compactMap { state.verdicts[$0.repository]?[$0.digest] } }
        for verdict in verdicts { await requestScans(verdict) }
    }
}

