import ContentAnalysis
import Foundation
import OCI
import Storage

extension DeclaredPolicy {
    /// The verdict of the manifest `reference` names in `repository`, as a pull would meet it now; nil when no such
    /// manifest is stored. In a repository that neither requires signatures nor scans, every manifest is released.
    public func verdict(repository: RepositoryName, reference: Reference) async throws -> Verdict? {
        guard let record = try await metadata.manifest(repository: repository, reference: reference) else { return nil }
        let now = clock()
        let (policy, rules, cached, parent, trust) = state.withLock { state in
            let book = state.verdicts[repository]
            return (state.declarations.effectivePolicy(for: repository.value), state.rules(for: repository),
                    book?[record.digest], book?.releasingParent(of: record.digest, at: now), state.trust)
        }
        guard rules.needsVerdicts else {
            return Verdict(repository: repository, digest: record.digest, tier: policy?.tier.name, status: .released,
                           reasons: [policy.map { "tier \($0.tier.name) requires no signatures and checks neither secrets nor vulnerabilities" }
                                        ?? "no Repository declaration governs it, so nothing is required"],
                           signatures: [], releasedUntil: nil, children: [], signs: [])
        }
        var verdict: Verdict
        if let cached {
            verdict = cached
        } else {
            let computer = VerdictComputer(artifacts: SignatureArtifacts(blobs: blobs, metadata: metadata), trust: trust, now: now)
            verdict = try await computer.verdict(for: record, rules: rules, scans: scans, matching: matching)
            if rules.gatesReads {
                verdict.status = .quarantined
                verdict.reasons.insert("its verdict has not been stored yet, so pulls treat it as quarantined", at: 0)
            }
        }
        if verdict.status == .released, !verdict.isReleased(at: now) {
            verdict.status = .quarantined
            verdict.reasons.insert("its release expired at \(verdict.releasedUntil!.formatted(.iso8601))", at: 0)
        }
        if verdict.status == .quarantined, let parent {
            if reference.tag == nil {
                verdict.status = .released
                verdict.reasons = ["released by the index \(parent), which lists it, when pulled by digest"] + verdict.reasons
            } else {
                verdict.reasons.append("pulled by digest it is released: the released index \(parent) lists it")
            }
        }
        return verdict
    }

    /// The vulnerability requirement of `repository` under the live declarations; nil where vulnerabilities are not checked.
    public func vulnerabilityRequirement(for repository: RepositoryName) -> VulnerabilityRequirement? {
        rules(for: repository).vulnerabilities
    }

    /// The inventory of an image, as its SBOM shows it.
    public enum InventoryAnswer: Sendable {
        case inventoried(ManifestRecord, ImageInventory)
        /// An index: its manifests have inventories, it has none of its own.
        case index([Digest])
        /// Layers not inventoried yet: their scans have been started.
        case pending([Digest])
    }

    /// The packages of the image `reference` names in `repository`, merged through its layers, from the stored scans;
    /// nil when no such manifest is stored. Layers not scanned yet are scanned now (in the background).
    public func inventory(repository: RepositoryName, reference: Reference) async throws -> InventoryAnswer? {
        guard let record = try await metadata.manifest(repository: repository, reference: reference) else { return nil }
        let parsed = try ParsedManifest.parse(record.content, contentType: record.mediaType)
        if MediaType.isIndex(parsed.mediaType) { return .index(parsed.manifests.map(\.digest)) }
        var layered: [LayeredReport] = []
        var pending: [Descriptor] = []
        for (index, layer) in parsed.filesystemLayers.enumerated() {
            guard let scanned = await scans?.known(layer) else {
                pending.append(layer)
                continue
            }
            layered.append(LayeredReport(index: index, digest: layer.digest.description, mediaType: layer.mediaType, report: scanned.report))
        }
        guard pending.isEmpty, let inventory = ImageInventory(layers: layered) else {
            await scans?.request(pending)
            return .pending(pending.map(\.digest))
        }
        return .inventoried(record, inventory)
    }
}
