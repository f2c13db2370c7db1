import CoreMetrics
import Declarations
import Foundation
import ImageSignatures
import OCI
import Registry
import Storage
import Synchronization

/// The registry's manifest policy, as the live declarations make it: tag immutability, and the release of images in
/// repositories whose tier requires signatures.
///
/// Rules are derived once per configuration and repository, and verdicts are computed when what they depend on changes
/// (a manifest or signature written or deleted, a new configuration), so the registry's question on a read costs a
/// lock and two dictionary lookups.
public final class DeclaredPolicy: ManifestPolicy {
    struct State {
        var declarations: DesiredState = .empty
        var trust: SignerTrust = .empty
        var rules: [RepositoryName: RepositoryRules] = [:]
        private(set) var verdicts: [RepositoryName: RepositoryVerdicts] = [:]
        /// Every verdict's `ReadAnswer`, in one flat table: what a pull looks up.
        private(set) var answers: [ManifestKey: ReadAnswer] = [:]

        init() {}

        init(declarations: DesiredState, trust: SignerTrust, verdicts: [RepositoryName: RepositoryVerdicts]) {
            self.declarations = declarations
            self.trust = trust
            self.verdicts = verdicts
            for (repository, book) in verdicts {
                for digest in book.verdicts.keys { refreshAnswer(digest, in: repository) }
            }
        }

        mutating func rules(for repository: RepositoryName) -> RepositoryRules {
            if let rules = rules[repository] { return rules }
            let derived = RepositoryRules(declarations.effectivePolicy(for: repository.value))
            rules[repository] = derived
            return derived
        }

        mutating func store(_ verdict: Verdict) {
            let old = verdicts[verdict.repository]?[verdict.digest]
            verdicts[verdict.repository, default: RepositoryVerdicts()].store(verdict)
            for digest in Set([verdict.digest] + verdict.children + (old?.children ?? [])) { refreshAnswer(digest, in: verdict.repository) }
        }

        mutating func remove(_ digest: Digest, in repository: RepositoryName) -> Verdict? {
            let old = verdicts[repository]?[digest]
            verdicts[repository]?.remove(digest)
            for affected in Set([digest] + (old?.children ?? [])) { refreshAnswer(affected, in: repository) }
            return old
        }

        /// The answer for one manifest: its own verdict's, or, when that withholds it, served by digest if a released
        /// index lists it. A release that expires is left to the slow path, which checks the time.
        private mutating func refreshAnswer(_ digest: Digest, in repository: RepositoryName) {
            let key = ManifestKey(repository: repository, digest: digest)
            guard let book = verdicts[repository], let verdict = book[digest] else {
                answers[key] = nil
                return
            }
            var answer = ReadAnswer(verdict)
            if answer == .withhold, book.parents[digest]?.contains(where: { book[$0]?.status == .released && book[$0]?.releasedUntil == nil }) == true {
                answer = .serveByDigest
            }
            answers[key] = answer
        }
    }

    let state = Mutex(State())
    let blobs: any BlobStore
    let metadata: any MetadataStore
    let events: any EnforcementEvents
    let metrics: EnforcementMetrics
    let clock: @Sendable () -> Date
    let updates = SerialUpdates()

    public init(blobs: any BlobStore, metadata: any MetadataStore, events: any EnforcementEvents = IgnoredEnforcementEvents(),
                metrics: any MetricsFactory = NOOPMetricsHandler.instance, clock: @escaping @Sendable () -> Date = Date.init) {
        self.blobs = blobs
        self.metadata = metadata
        self.events = events
        self.metrics = EnforcementMetrics(factory: metrics)
        self.clock = clock
    }

    /// Called with every new live configuration. Returns once every stored manifest in a repository that requires
    /// signatures has its verdict under it, so an apply that removes a key has quarantined its images when it returns.
    public func configurationChanged(to declarations: DesiredState) async {
        await updates.run {
            let trust = SignerTrust(declarations)
            let computer = VerdictComputer(artifacts: SignatureArtifacts(blobs: blobs, metadata: metadata), trust: trust, now: clock())
            var verdicts: [RepositoryName: RepositoryVerdicts] = [:]
            for repository in (try? await metadata.repositories(after: nil, limit: nil)) ?? [] {
                guard let requirement = SigningRequirement(declarations.effectivePolicy(for: repository.value)) else { continue }
                verdicts[repository] = await computeAll(in: repository, requirement: requirement, computer: computer)
            }
            let previous = state.withLock { state in
                let previous = state.verdicts
                state = State(declarations: declarations, trust: trust, verdicts: verdicts)
                return previous
            }
            await reportNewRejections(in: verdicts, comparedTo: previous)
            metrics.recount(verdicts, now: clock())
            for (repository, used) in (try? await metadata.usage()) ?? [:] {
                metrics.recordUsage(repository, used: used, quota: quota(for: repository)?.bytes)
            }
        }
    }

    /// The verdict of every manifest in `repository`. A manifest that cannot be read or verified gets no verdict, which
    /// reads treat as quarantined.
    private func computeAll(in repository: RepositoryName, requirement: SigningRequirement, computer: VerdictComputer) async -> RepositoryVerdicts {
        var book = RepositoryVerdicts()
        for record in (try? await metadata.manifests(repository: repository)) ?? [] {
            if let verdict = try? await computer.verdict(for: record, requirement: requirement) { book.store(verdict) }
        }
        return book
    }

    func rules(for repository: RepositoryName) -> RepositoryRules {
        state.withLock { $0.rules(for: repository) }
    }
}

/// What one repository's effective policy enforces on manifests.
struct RepositoryRules: Sendable {
    var immutability: TagImmutability
    var signing: SigningRequirement?
    var quota: Quota?

    init(_ policy: EffectivePolicy?) {
        immutability = TagImmutability(policy)
        signing = SigningRequirement(policy)
        quota = Quota(policy)
    }
}
