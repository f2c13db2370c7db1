import Foundation
import OCI
import Registry

extension DeclaredPolicy {
    public func decide(_ write: ManifestWrite, by caller: RegistryCaller) async -> ManifestWriteDecision {
        let rules = rules(for: write.repository)
        let immutability = rules.immutability
        switch write {
        case .put(let repository, let digest, let tags, let manifest):
            if rules.scansLayers, let refusal = await scanRefusal(of: manifest, digest: digest, in: repository, under: rules, by: caller) {
                return .refuse(refusal)
            }
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

    /// Starts the blob's scan (it sniffs whether it is a layer), so a manifest push waits only for what is left. Blobs
    /// of repositories that scan nothing are not read.
    public func blobCommitted(_ digest: Digest, in repository: RepositoryName) {
        guard rules(for: repository).scansLayers else { return }
        scans?.blobCommitted(digest)
    }

    /// Waits (up to `scanWait`) for the scans of the image's layers, then judges them as the tier says. Under `block`,
    /// secrets no exception accepts, vulnerabilities at or above the threshold no exception suppresses, or a layer that
    /// cannot be read refuse the push: nothing is stored or tagged, and the blobs are left for garbage collection.
    /// Under `warn`, what was found is reported and the push goes on. Layers still scanning when the wait runs out let
    /// the push go on too: its verdict stays pending, so the image is stored quarantined.
    private func scanRefusal(of manifest: ParsedManifest, digest: Digest, in repository: RepositoryName,
                             under rules: RepositoryRules, by caller: RegistryCaller) async -> RegistryError? {
        let layers = manifest.filesystemLayers
        guard !layers.isEmpty, let scans else { return nil }
        let reports = await scans.reports(for: layers, waitingUpTo: scanWait)
        if let secrets = rules.secrets {
            let scan = secrets.evaluate(layers, reports: reports, now: clock())
            if scan.status != .pending {
                if !scan.unexcepted.isEmpty {
                    await events.secretsFound(repository: repository, digest: digest, findings: scan.unexcepted, refused: secrets.blocks, by: caller)
                }
                if let reason = secrets.withholding(scan) {
                    metrics.refusedPushes.increment()
                    return RegistryError(.denied, status: .forbidden, "\(repository)@\(digest) refused: \(reason)")
                }
            }
        }
        guard let requirement = rules.vulnerabilities else { return nil }
        let verdict = matching?.verdict(of: layers, reports: reports, under: requirement, at: clock()).0 ?? .unchecked
        guard verdict.status != .pending else { return nil }
        let found = requirement.blocking(verdict)
        if requirement.onPush != .off, !found.isEmpty {
            await events.vulnerabilitiesFound(repository: repository, digest: digest, findings: found, refused: requirement.blocksPushes, by: caller)
        }
        guard let reason = requirement.pushRefusal(verdict) else { return nil }
        metrics.refusedVulnerablePushes.increment()
        return RegistryError(.denied, status: .forbidden, "\(repository)@\(digest) refused: \(reason)")
    }

    /// Recomputes the verdicts a write changes: the manifest written, and the images a signature written or deleted
    /// claims to sign. Repositories that neither require signatures nor scan have no verdicts and return at once.
    public func written(_ write: ManifestWrite) async {
        let repository = write.repository
        await updatingVerdicts(in: repository) { rules, computer in
            var affected: Set<Digest> = []
            switch write {
            case .put(_, let digest, let tags, _):
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
            var pushed: Digest?
            if case .put(_, let digest, _, _) = write { pushed = digest }
            var pending = affected.sorted { $0.description < $1.description }
            var done: Set<Digest> = []
            while let digest = pending.first {
                pending.removeFirst()
                guard done.insert(digest).inserted else { continue }
                guard let record = try? await metadata.manifest(repository: repository, reference: .digest(digest)) else {
                    state.withLock { _ = $0.remove(digest, in: repository) }
                    continue
                }
                guard let verdict = try? await computer.verdict(for: record, rules: rules, scans: scans, matching: matching) else { continue }
                let previous = state.withLock { state in
                    let previous = state.verdicts[repository]?[digest]
                    state.store(verdict)
                    return previous
                }
                await reportNewRejections(verdict, previous: previous)
                await reportStatusChange(verdict, previous: previous?.status,
                                         cause: digest == pushed ? "its push" : pushed == nil ? "a signature for it was deleted" : "a signature for it was pushed")
                await requestScans(verdict)
                pending.append(contentsOf: verdict.signs.filter { !done.contains($0) })
            }
            metrics.recount(state.withLock { $0.verdicts }, now: clock())
        }
    }

    /// Records the repository's usage, then, where its rules need verdicts, runs `update` in turn with the other
    /// updates, with the rules and a verdict computer of this moment.
    func updatingVerdicts(in repository: RepositoryName, _ update: @Sendable (RepositoryRules, VerdictComputer) async -> Void) async {
        if let used = try? await metadata.usage(repository: repository) {
            metrics.recordUsage(repository, used: used, quota: quota(for: repository)?.bytes)
        }
        guard rules(for: repository).needsVerdicts else { return }
        await updates.run {
            let (rules, trust) = state.withLock { ($0.rules(for: repository), $0.trust) }
            guard rules.needsVerdicts else { return }
            await update(rules, VerdictComputer(artifacts: SignatureArtifacts(blobs: blobs, metadata: metadata), trust: trust, now: clock()))
        }
    }

    /// A layer's scan finished: the verdicts that waited for it are computed again, and secrets found after the push
    /// (whose wait ran out) are reported.
    func layerScanned(_ layer: Digest) async {
        guard state.withLock({ $0.awaitingScans[layer] != nil }) else { return }
        await updates.run {
            let (keys, trust) = state.withLock { state in (state.awaitingScans.removeValue(forKey: layer) ?? [], state.trust) }
            let computer = VerdictComputer(artifacts: SignatureArtifacts(blobs: blobs, metadata: metadata), trust: trust, now: clock())
            for key in keys.sorted(by: { ($0.repository.value, $0.digest.description) < ($1.repository.value, $1.digest.description) }) {
                let rules = state.withLock { $0.rules(for: key.repository) }
                guard rules.needsVerdicts, let record = try? await metadata.manifest(repository: key.repository, reference: .digest(key.digest)),
                      let verdict = try? await computer.verdict(for: record, rules: rules, scans: scans, matching: matching) else { continue }
                let previous = state.withLock { state in
                    let previous = state.verdicts[key.repository]?[key.digest]
                    state.store(verdict)
                    return previous
                }
                await reportStatusChange(verdict, previous: previous?.status, cause: "its layers' scans finished")
                if let scan = verdict.scan, scan.status == .scanned, previous?.scan?.status != .scanned, !scan.unexcepted.isEmpty {
                    await events.secretsFound(repository: key.repository, digest: key.digest, findings: scan.unexcepted,
                                              refused: rules.secrets?.blocks == true, by: nil)
                }
                if let requirement = rules.vulnerabilities, requirement.onPush != .off, let checked = verdict.vulnerabilities,
                   checked.status == .scanned, previous?.vulnerabilities?.status != .scanned {
                    let found = requirement.blocking(checked)
                    if !found.isEmpty {
                        await events.vulnerabilitiesFound(repository: key.repository, digest: key.digest, findings: found,
                                                          refused: requirement.blocksPushes, by: nil)
                    }
                }
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

    /// A verdict first reached, or moved between released and quarantined. A signature's (always exempt) is not news.
    func reportStatusChange(_ verdict: Verdict, previous: Verdict.Status?, cause: String) async {
        guard verdict.status != previous, verdict.status != .exempt || previous != nil else { return }
        await events.verdictChanged(verdict, from: previous, cause: cause)
    }

    /// Verdicts a new configuration or a rescan moved. An image that had no verdict before (its repository asked for
    /// none) was served as released.
    func reportStatusChanges(in verdicts: [RepositoryName: RepositoryVerdicts], comparedTo previous: [RepositoryName: RepositoryVerdicts],
                             cause: String) async {
        for (repository, book) in verdicts {
            for verdict in book.verdicts.values {
                await reportStatusChange(verdict, previous: previous[repository]?[verdict.digest]?.status ?? .released, cause: cause)
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
