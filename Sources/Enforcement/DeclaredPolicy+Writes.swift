import Foundation
import OCI
import Registry

extension DeclaredPolicy {
    public func decide(_ write: ManifestWrite, by caller: RegistryCaller) async -> ManifestWriteDecision {
        let immutability = rules(for: write.repository).immutability
        switch write {
        case .put(_, _, let tags):
            var fixed: [Tag: RegistryError] = [:]
            for tag in tags {
                if let refusal = immutability.refusal(for: tag) { fixed[tag] = refusal }
            }
            return .allow(fixedTags: fixed)
        case .deleteTag(_, let tag):
            return immutability.refusal(for: tag).map(ManifestWriteDecision.refuse) ?? .allow
        case .deleteManifest(_, _, let tags):
            return tags.lazy.compactMap(immutability.refusal).first.map(ManifestWriteDecision.refuse) ?? .allow
        }
    }

    public func quota(for repository: RepositoryName) -> Quota? {
        rules(for: repository).quota
    }

    /// Recomputes the verdicts a write changes: the manifest written, and the images a signature written or deleted
    /// claims to sign. Repositories that require no signatures have no verdicts and return at once.
    public func written(_ write: ManifestWrite) async {
        let repository = write.repository
        if let used = try? await metadata.usage(repository: repository) {
            metrics.recordUsage(repository, used: used, quota: quota(for: repository)?.bytes)
        }
        guard rules(for: repository).signing != nil else { return }
        await updates.run {
            let (requirement, trust) = state.withLock { ($0.rules(for: repository).signing, $0.trust) }
            guard let requirement else { return }
            let computer = VerdictComputer(artifacts: SignatureArtifacts(blobs: blobs, metadata: metadata), trust: trust, now: clock())
            var affected: Set<Digest> = []
            switch write {
            case .put(_, let digest, let tags):
                affected.insert(digest)
                affected.formUnion(tags.compactMap(CosignTag.signedImage(of:)))
            case .deleteTag(_, let tag):
                if let signed = CosignTag.signedImage(of: tag) { affected.insert(signed) }
            case .deleteManifest(_, let digest, let tags):
                affected.formUnion(tags.compactMap(CosignTag.signedImage(of:)))
                let removed = state.withLock { $0.remove(digest, in: repository) }
                affected.formUnion(removed?.signs ?? [])
            }
            // A signature written: the images it signs follow (after it, since its own verdict says what it signs).
            var pending = affected.sorted { $0.description < $1.description }
            var done: Set<Digest> = []
            while let digest = pending.first {
                pending.removeFirst()
                guard done.insert(digest).inserted else { continue }
                guard let record = try? await metadata.manifest(repository: repository, reference: .digest(digest)) else {
                    state.withLock { _ = $0.remove(digest, in: repository) }
                    continue
                }
                guard let verdict = try? await computer.verdict(for: record, requirement: requirement) else { continue }
                let previous = state.withLock { state in
                    let previous = state.verdicts[repository]?[digest]
                    state.store(verdict)
                    return previous
                }
                await reportNewRejections(verdict, previous: previous)
                pending.append(contentsOf: verdict.signs.filter { !done.contains($0) })
            }
            metrics.recount(state.withLock { $0.verdicts }, now: clock())
        }
    }

    func reportNewRejections(in verdicts: [RepositoryName: RepositoryVerdicts], comparedTo previous: [RepositoryName: RepositoryVerdicts]) async {
        for (repository, book) in verdicts {
            for verdict in book.verdicts.values {
                await reportNewRejections(verdict, previous: previous[repository]?[verdict.digest])
            }
        }
    }

    /// Signatures that do not count are reported once, when first found.
    func reportNewRejections(_ verdict: Verdict, previous: Verdict?) async {
        let known = Set(previous?.signatures.filter { !$0.valid } ?? [])
        for check in verdict.signatures where !check.valid && !known.contains(check) {
            await events.signatureRejected(repository: verdict.repository, digest: verdict.digest, check: check)
        }
    }
}
