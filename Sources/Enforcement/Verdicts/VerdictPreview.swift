import Declarations
import Foundation
import OCI
import Reconciler
import Storage

/// What a configuration would do to stored images: every manifest of a repository whose signing requirement, or whose
/// required Signers' keys, differ between two configurations gets its verdict under both, with the same code pulls are
/// answered from.
public struct VerdictPreview: ConsequencePreview {
    let blobs: any BlobStore
    let metadata: any MetadataStore
    let now: @Sendable () -> Date

    public init(blobs: any BlobStore, metadata: any MetadataStore, now: @escaping @Sendable () -> Date = Date.init) {
        self.blobs = blobs
        self.metadata = metadata
        self.now = now
    }

    public func consequences(from current: DesiredState, to proposed: DesiredState) async throws -> [ImageConsequence] {
        let artifacts = SignatureArtifacts(blobs: blobs, metadata: metadata)
        let moment = now()
        let before = VerdictComputer(artifacts: artifacts, trust: SignerTrust(current), now: moment)
        let after = VerdictComputer(artifacts: artifacts, trust: SignerTrust(proposed), now: moment)
        var consequences: [ImageConsequence] = []
        for repository in try await metadata.repositories(after: nil, limit: nil) {
            let old = SigningRequirement(current.effectivePolicy(for: repository.value))
            let new = SigningRequirement(proposed.effectivePolicy(for: repository.value))
            guard old != new || signerMaterialDiffers(old, new, current, proposed) else { continue }
            let records = try await metadata.manifests(repository: repository)
            var wasReleased = RepositoryVerdicts(), willBeReleased = RepositoryVerdicts()
            for record in records {
                if let old { wasReleased.store(try await before.verdict(for: record, requirement: old)) }
                if let new { willBeReleased.store(try await after.verdict(for: record, requirement: new)) }
            }
            var quarantined: [Digest] = [], released: [Digest] = []
            for record in records {
                let was = old == nil || Self.released(record.digest, in: wasReleased, at: moment)
                let will = new == nil || Self.released(record.digest, in: willBeReleased, at: moment)
                if was && !will { quarantined.append(record.digest) }
                if !was && will { released.append(record.digest) }
            }
            let reason = new.map { "after the apply it needs signatures by \($0.summary) (tier \($0.tier))" }
                ?? "after the apply its tier requires no signatures"
            for (effect, digests) in [(ImageConsequence.Effect.quarantine, quarantined), (.release, released)] where !digests.isEmpty {
                consequences.append(ImageConsequence(repository: repository.value, effect: effect, count: digests.count,
                                                     digests: digests.prefix(ImageConsequence.shownDigests).map(\.description), reason: reason))
            }
        }
        return consequences
    }

    /// Released as a pull of the digest itself would meet it: its own verdict, or a released index listing it.
    private static func released(_ digest: Digest, in book: RepositoryVerdicts, at now: Date) -> Bool {
        guard let verdict = book[digest] else { return false }
        return verdict.status == .exempt || verdict.isReleased(at: now) || book.releasingParent(of: digest, at: now) != nil
    }

    /// Whether a Signer either requirement names has other keys or certificates in the two configurations.
    private func signerMaterialDiffers(_ old: SigningRequirement?, _ new: SigningRequirement?, _ current: DesiredState, _ proposed: DesiredState) -> Bool {
        let names = Set((old?.signers ?? []) + (new?.signers ?? []))
        return names.contains { name in
            let before = current.signer(named: name), after = proposed.signer(named: name)
            return before?.publicKeys != after?.publicKeys || before?.certificates != after?.certificates
        }
    }
}
