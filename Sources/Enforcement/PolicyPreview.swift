import Declarations
import Foundation
import Lifecycle
import OCI
import Reconciler
import Storage

/// What a configuration would do to what the registry stores, computed with the code that enforces it: every manifest
/// of a repository whose signing requirement, whose required Signers' keys, whose secret scanning (its action and the
/// SecretExceptions that cover it) or whose vulnerability checks (actions, threshold, VulnerabilityExceptions) differ
/// between two configurations gets its verdict under both, from the layer scans already made and the current
/// vulnerability database; every repository already using more than a quota the change gives it is named.
public struct PolicyPreview: ConsequencePreview {
    let blobs: any BlobStore
    let metadata: any MetadataStore
    /// The untagged grace retention runs with, so a plan counts the same deletions a run would make.
    let untaggedGrace: TimeInterval
    let now: @Sendable () -> Date
    /// The layer scans the registry made; nil knows none, so every image of a tier that blocks secrets counts as pending.
    let scans: LayerScans?
    /// The vulnerability database; nil knows none, so every image of a tier that blocks vulnerabilities counts as unscannable.
    let vulnerabilities: VulnerabilityFeed?

    public init(blobs: any BlobStore, metadata: any MetadataStore, scans: LayerScans? = nil, vulnerabilities: VulnerabilityFeed? = nil,
                untaggedGrace: TimeInterval, now: @escaping @Sendable () -> Date = Date.init) {
        self.blobs = blobs
        self.metadata = metadata
        self.scans = scans
        self.vulnerabilities = vulnerabilities
        self.untaggedGrace = untaggedGrace
        self.now = now
    }

    public func consequences(from current: DesiredState, to proposed: DesiredState) async throws -> PlanConsequences {
        PlanConsequences(images: try await imageConsequences(from: current, to: proposed),
                         quotas: try await quotaWarnings(from: current, to: proposed),
                         retention: try await retentionConsequences(from: current, to: proposed),
                         unmatchedExceptions: unmatchedExceptions(from: current, to: proposed))
    }

    /// VulnerabilityExceptions added or changed whose vulnerability no advisory of the current database names. None
    /// before a database is imported: then nothing is known, and every image of a blocking tier is held anyway.
    private func unmatchedExceptions(from current: DesiredState, to proposed: DesiredState) -> [UnmatchedException] {
        guard let (database, version) = vulnerabilities?.current, let version else { return [] }
        let before = Set(current.vulnerabilityExceptions)
        return proposed.vulnerabilityExceptions
            .filter { !before.contains($0) && database.advisories(namedOrAliased: $0.vulnerability.text).isEmpty }
            .map { UnmatchedException(name: $0.name, vulnerability: $0.vulnerability.text, databaseVersion: version) }
    }

    /// Per repository whose retention rules change: the tags the next run deletes under the new rules and not the old,
    /// and the reverse, with the planner a run uses.
    private func retentionConsequences(from current: DesiredState, to proposed: DesiredState) async throws -> [RetentionConsequence] {
        let retention = Retention(metadata: metadata, untaggedGrace: untaggedGrace)
        let moment = now()
        var consequences: [RetentionConsequence] = []
        for repository in try await metadata.repositories(after: nil, limit: nil) {
            let old = RetentionRules(current.effectivePolicy(for: repository.value))
            let new = RetentionRules(proposed.effectivePolicy(for: repository.value))
            guard old != new else { continue }
            func deletedTags(_ declarations: DesiredState) async throws -> Set<String> {
                let planned = try await retention.plan(repository, under: declarations, now: moment)?.deletions ?? []
                return Set(planned.compactMap { if case .tag(let name, _) = $0.target { name } else { nil } })
            }
            let before = try await deletedTags(current), after = try await deletedTags(proposed)
            let newlyDeleted = after.subtracting(before).sorted(), newlyKept = before.subtracting(after)
            guard !newlyDeleted.isEmpty || !newlyKept.isEmpty else { continue }
            consequences.append(RetentionConsequence(
                repository: repository.value, deletedTags: newlyDeleted.count, keptTags: newlyKept.count,
                tags: Array(newlyDeleted.prefix(RetentionConsequence.shownTags)),
                change: "\(old.isEmpty ? "no retention" : old.summary) → \(new.isEmpty ? "no retention" : new.summary)"))
        }
        return consequences
    }

    /// Repositories already using more than a quota the change newly gives them (a new quota, or a lower one).
    private func quotaWarnings(from current: DesiredState, to proposed: DesiredState) async throws -> [QuotaWarning] {
        try await metadata.usage().sorted { $0.key < $1.key }.compactMap { repository, used in
            guard let policy = proposed.effectivePolicy(for: repository.value), let quota = policy.quota.value, used > quota.bytes,
                  current.effectivePolicy(for: repository.value)?.quota.value != quota
            else { return nil }
            return QuotaWarning(repository: repository.value, usedBytes: used, quotaBytes: quota.bytes, quota: quota.text,
                                source: policy.quota.origin.source)
        }
    }

    /// The stored images a change quarantines or releases.
    private func imageConsequences(from current: DesiredState, to proposed: DesiredState) async throws -> [ImageConsequence] {
        let artifacts = SignatureArtifacts(blobs: blobs, metadata: metadata)
        let moment = now()
        let before = VerdictComputer(artifacts: artifacts, trust: SignerTrust(current), now: moment)
        let after = VerdictComputer(artifacts: artifacts, trust: SignerTrust(proposed), now: moment)
        // Numbers this preview's packages only; dropped when it returns.
        let matching = vulnerabilities.map(InventoryMatching.init)
        var consequences: [ImageConsequence] = []
        for repository in try await metadata.repositories(after: nil, limit: nil) {
            let old = RepositoryRules(current.effectivePolicy(for: repository.value), repository: repository, declarations: current)
            let new = RepositoryRules(proposed.effectivePolicy(for: repository.value), repository: repository, declarations: proposed)
            let signingChanges = old.signing != new.signing || signerMaterialDiffers(old.signing, new.signing, current, proposed)
            let secretsChange = old.secrets != new.secrets
            // Checks that only warn release everything, before and after: only a change touching a blocking one can matter.
            let vulnerabilitiesChange = old.vulnerabilities != new.vulnerabilities
                && (old.vulnerabilities?.gatesReads == true || new.vulnerabilities?.gatesReads == true)
            guard signingChanges || secretsChange || vulnerabilitiesChange else { continue }
            let records = try await metadata.manifests(repository: repository)
            var wasReleased = RepositoryVerdicts(), willBeReleased = RepositoryVerdicts()
            for record in records {
                if old.gatesReads { wasReleased.store(try await before.verdict(for: record, rules: old, scans: scans, matching: matching)) }
                if new.gatesReads { willBeReleased.store(try await after.verdict(for: record, rules: new, scans: scans, matching: matching)) }
            }
            var quarantined: [Digest] = [], released: [Digest] = []
            for record in records {
                let was = !old.gatesReads || Self.released(record.digest, in: wasReleased, at: moment)
                let will = !new.gatesReads || Self.released(record.digest, in: willBeReleased, at: moment)
                if was && !will { quarantined.append(record.digest) }
                if !was && will { released.append(record.digest) }
            }
            var reason = [signingChanges ? Self.reason(old.signing, new.signing, current, proposed) : nil,
                          secretsChange ? Self.secretsReason(old.secrets, new.secrets) : nil,
                          vulnerabilitiesChange ? Self.vulnerabilitiesReason(old.vulnerabilities, new.vulnerabilities) : nil]
                .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "; ")
            // Images never scanned (pushed before their repository scanned anything) are held until their scan ends,
            // which starts with the apply: a reviewer should not read them as refused for good.
            let unscanned = quarantined.filter {
                willBeReleased[$0]?.scan?.status == .pending || willBeReleased[$0]?.vulnerabilities?.status == .pending
            }.count
            if unscanned > 0 { reason += " (\(unscanned) not scanned yet: quarantined until their scan ends)" }
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

    /// What changed for the repository, in the words a reviewer needs.
    private static func reason(_ old: SigningRequirement?, _ new: SigningRequirement?, _ current: DesiredState, _ proposed: DesiredState) -> String {
        switch (old, new) {
        case (nil, let new?): return "tier \(new.tier) will require signatures by \(new.summary)"
        case (let old?, nil): return "signatures will no longer be required (was \(old.summary), tier \(old.tier))"
        case (let old?, let new?) where old != new:
            return "the requirement changes from \(old.summary) (tier \(old.tier)) to \(new.summary) (tier \(new.tier))"
        default:
            let names = Set((old?.signers ?? []) + (new?.signers ?? [])).sorted()
            let changes = names.compactMap { name -> String? in
                let before = current.signer(named: name), after = proposed.signer(named: name)
                let keys = counted(Set(before?.publicKeys.map(\.der) ?? []), Set(after?.publicKeys.map(\.der) ?? []), "key")
                let certificates = counted(Set(before?.certificates.map(\.der) ?? []), Set(after?.certificates.map(\.der) ?? []), "certificate")
                let parts = keys + certificates
                return parts.isEmpty ? nil : "Signer \(name): " + parts.joined(separator: ", ")
            }
            return changes.joined(separator: "; ")
        }
    }

    /// What changed in a repository's secret scanning, in the words a reviewer needs.
    private static func secretsReason(_ old: SecretScanRequirement?, _ new: SecretScanRequirement?) -> String {
        switch (old, new) {
        case (nil, let new?): return "tier \(new.tier) will scan pushes for secrets (onPush: \(new.action.rawValue))"
        case (let old?, nil): return "secrets will no longer be scanned (was onPush: \(old.action.rawValue), tier \(old.tier))"
        case (let old?, let new?):
            var parts: [String] = []
            if old.action != new.action { parts.append("secrets.onPush changes from \(old.action.rawValue) to \(new.action.rawValue) (tier \(new.tier))") }
            let before = Dictionary(uniqueKeysWithValues: old.exceptions.map { ($0.name, $0) })
            let after = Dictionary(uniqueKeysWithValues: new.exceptions.map { ($0.name, $0) })
            for name in Set(before.keys).union(after.keys).sorted() where before[name] != after[name] {
                let verb = before[name] == nil ? "added" : after[name] == nil ? "removed" : "changed"
                let expiry = after[name].map { " (expires \($0.expires))" } ?? ""
                parts.append("SecretException \(name) \(verb)\(expiry)")
            }
            return parts.joined(separator: "; ")
        case (nil, nil): return ""
        }
    }

    /// What changed in a repository's vulnerability checks, in the words a reviewer needs.
    private static func vulnerabilitiesReason(_ old: VulnerabilityRequirement?, _ new: VulnerabilityRequirement?) -> String {
        func settings(_ requirement: VulnerabilityRequirement) -> String {
            "onPush: \(requirement.onPush.rawValue), onPull: \(requirement.onPull.rawValue), threshold: \(requirement.threshold.rawValue)"
        }
        switch (old, new) {
        case (nil, let new?): return "tier \(new.tier) will check vulnerabilities (\(settings(new)))"
        case (let old?, nil): return "vulnerabilities will no longer be checked (was \(settings(old)), tier \(old.tier))"
        case (let old?, let new?):
            var parts: [String] = []
            if settings(old) != settings(new) { parts.append("vulnerabilities change from \(settings(old)) to \(settings(new)) (tier \(new.tier))") }
            let before = Dictionary(uniqueKeysWithValues: old.exceptions.map { ($0.name, $0) })
            let after = Dictionary(uniqueKeysWithValues: new.exceptions.map { ($0.name, $0) })
            for name in Set(before.keys).union(after.keys).sorted() where before[name] != after[name] {
                let verb = before[name] == nil ? "added" : after[name] == nil ? "removed" : "changed"
                let detail = after[name].map { " (\($0.vulnerability), expires \($0.expires))" } ?? ""
                parts.append("VulnerabilityException \(name) \(verb)\(detail)")
            }
            return parts.joined(separator: "; ")
        case (nil, nil): return ""
        }
    }

    /// `1 key removed`, `2 certificates added`.
    private static func counted(_ before: Set<Data>, _ after: Set<Data>, _ noun: String) -> [String] {
        let removed = before.subtracting(after).count, added = after.subtracting(before).count
        func phrase(_ count: Int, _ verb: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s") \(verb)" }
        return (removed > 0 ? [phrase(removed, "removed")] : []) + (added > 0 ? [phrase(added, "added")] : [])
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
