import Foundation
import ImageSignatures
import OCI
import Storage

/// Computes one manifest's verdict from what is stored: the signature manifests that claim to sign it, verified against
/// the declared Signers, counted against the repository's signing requirement. The same code answers pulls (through the
/// cached verdicts) and plans (what a declaration change would do).
struct VerdictComputer: Sendable {
    let artifacts: SignatureArtifacts
    let trust: SignerTrust
    let now: Date

    func verdict(for record: ManifestRecord, requirement: SigningRequirement) async throws -> Verdict {
        let repository = record.repository
        let tags = try await artifacts.metadata.tags(repository: repository, pointingAt: record.digest)
        var verdict = Verdict(repository: repository, digest: record.digest, tier: requirement.tier, status: .quarantined,
                              reasons: [], signatures: [], releasedUntil: nil, children: [], signs: [])
        if let (_, parsed) = SignatureArtifacts.signatureForm(of: record, tags: tags) {
            verdict.status = .exempt
            verdict.signs = Array(Set([parsed.subject?.digest].compactMap { $0 } + tags.compactMap(CosignTag.signedImage(of:))))
                .sorted { $0.description < $1.description }
            verdict.reasons = ["a signature manifest: readable by anyone who may pull"]
            return verdict
        }
        if let parsed = try? ParsedManifest.parse(record.content, contentType: record.mediaType), MediaType.isIndex(parsed.mediaType) {
            verdict.children = parsed.manifests.map(\.digest)
        }
        verdict.signatures = try await checks(of: record.digest, in: repository)
        let counted = requirement.count(verdict.signatures)
        if counted.signers.count >= requirement.minimum {
            verdict.status = .released
            verdict.releasedUntil = counted.releasedUntil(minimum: requirement.minimum)
            verdict.reasons = ["signed by \(counted.signers.joined(separator: ", ")) (needs \(requirement.summary))"]
        } else {
            verdict.reasons = [requirement.missing(verdict.signatures, counted: counted, unusable: trust.unusable)]
        }
        return verdict
    }

    /// Every signature stored for `subject`, checked. A valid signature binding another digest is a replay when that
    /// digest is another manifest of the repository, which takes a second look only for those.
    private func checks(of subject: Digest, in repository: RepositoryName) async throws -> [SignatureCheck] {
        let verifier = SignatureVerifier(signers: trust.signers, now: now)
        let found = try await artifacts.artifacts(signing: subject, in: repository)
        func checkAll(isOtherImage: @Sendable (Digest) -> Bool) async -> [SignatureCheck] {
            var checks: [SignatureCheck] = []
            for artifact in found {
                checks += await verifier.check(form: artifact.form, artifact: artifact.digest, layers: artifact.layers, subject: subject,
                                               isOtherImage: isOtherImage)
            }
            return checks
        }
        let checks = await checkAll(isOtherImage: { _ in false })
        var stored: Set<Digest> = []
        for signed in Set(checks.filter { $0.outcome == .wrongDigest }.compactMap(\.signedDigest))
        where try await artifacts.metadata.manifest(repository: repository, reference: .digest(signed)) != nil {
            stored.insert(signed)
        }
        guard !stored.isEmpty else { return checks }
        return await checkAll(isOtherImage: { [stored] in stored.contains($0) })
    }
}
