import Foundation
import OCI

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
                           reasons: [policy.map { "tier \($0.tier.name) requires no signatures and does not scan for secrets" }
                                        ?? "no Repository declaration governs it, so nothing is required"],
                           signatures: [], releasedUntil: nil, children: [], signs: [])
        }
        var verdict: Verdict
        if let cached {
            verdict = cached
        } else {
            let computer = VerdictComputer(artifacts: SignatureArtifacts(blobs: blobs, metadata: metadata), trust: trust, now: now)
            verdict = try await computer.verdict(for: record, rules: rules, scans: scans)
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
}
