import ContentAnalysis
import Foundation
import OCI
import Storage

extension VerdictComputer {
    /// The verdict under everything the repository requires before release: its signatures, then the secret scan of its
    /// layers, then their packages' vulnerabilities, as far as they are known now (`scans` nil: nothing is ever scanned,
    /// so a blocking tier never releases).
    func verdict(for record: ManifestRecord, rules: RepositoryRules, scans: LayerScans?, matching: InventoryMatching?) async throws -> Verdict {
        var verdict: Verdict
        if let signing = rules.signing {
            verdict = try await self.verdict(for: record, requirement: signing)
            if verdict.status == .exempt { return verdict }
        } else {
            verdict = Verdict(repository: record.repository, digest: record.digest, tier: rules.tier, status: .released,
                              reasons: [], signatures: [], releasedUntil: nil, children: [], signs: [])
        }
        guard rules.scansLayers else { return verdict }
        let parsed = try? ParsedManifest.parse(record.content, contentType: record.mediaType)
        if let parsed, MediaType.isIndex(parsed.mediaType) { verdict.children = parsed.manifests.map(\.digest) }
        let layers = parsed?.filesystemLayers ?? []
        var reports: [Digest: ScannedLayer] = [:]
        for layer in layers {
            if let known = await scans?.known(layer) { reports[layer.digest] = known }
        }
        if let secrets = rules.secrets { weighSecrets(&verdict, layers: layers, reports: reports, under: secrets) }
        if let requirement = rules.vulnerabilities {
            let (vulnerabilities, inventory) = matching?.verdict(of: layers, reports: reports, under: requirement, at: now)
                ?? (VulnerabilityVerdict.unchecked, nil)
            verdict.inventory = inventory
            verdict.weigh(vulnerabilities, under: requirement)
        }
        return verdict
    }

    private func weighSecrets(_ verdict: inout Verdict, layers: [Descriptor], reports: [Digest: ScannedLayer], under secrets: SecretScanRequirement) {
        let scan = secrets.evaluate(layers, reports: reports, now: now)
        verdict.scan = scan
        if let withheld = secrets.withholding(scan) {
            if verdict.status == .released { verdict.reasons = [] }
            verdict.status = .quarantined
            verdict.releasedUntil = nil
            verdict.reasons.append(withheld)
        } else {
            verdict.reasons.append(secrets.summary(scan))
            // A release that rests on SecretExceptions lasts until the first of them lapses; reads check the time.
            if let lapse = secrets.acceptedUntil(scan) {
                verdict.releasedUntil = min(verdict.releasedUntil ?? lapse, lapse)
            }
        }
    }
}
