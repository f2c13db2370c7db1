import CoreMetrics
import Declarations
import Foundation
import ImageSignatures
import OCI
import Registry
import Storage
import Synchronization

/// The registry's manifest policy, as the live declarations make it: tag immutability, quotas, and the release of
/// images in repositories whose tier requires signatures or scans for secrets.
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
        /// The manifests whose verdicts wait for a layer's scan.
        var awaitingScans: [Digest: Set<ManifestKey>] = [:]

        init() {}

        init(declarations: DesiredState, trust: SignerTrust, verdicts: [RepositoryName: RepositoryVerdicts]) {
            self.declarations = declarations
            self.trust = trust
            self.verdicts = verdicts
            for (repository, book) in verdicts {
                for (digest, verdict) in book.verdicts {
                    refreshAnswer(digest, in: repository)
                    awaitScans(of: verdict)
                }
            }
        }

        private mutating func awaitScans(of verdict: Verdict) {
            let key = ManifestKey(repository: verdict.repository, digest: verdict.digest)
            for layer in verdict.scan?.layers ?? [] where layer.scannedAt == nil {
                awaitingScans[layer.digest, default: []].insert(key)
            }
            for layer in verdict.vulnerabilities?.pendingLayers ?? [] {
                awaitingScans[layer.digest, default: []].insert(key)
            }
        }

        mutating func rules(for repository: RepositoryName) -> RepositoryRules {
            if let rules = rules[repository] { return rules }
            let derived = RepositoryRules(declarations.effectivePolicy(for: repository.value), repository: repository, declarations: declarations)
            rules[repository] = derived
            return derived
        }

        mutating func store(_ verdict: Verdict) {
            awaitScans(of: verdict)
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
    /// Where layers are scanned; nil scans nothing, so a tier that blocks secrets releases nothing.
    let scans: LayerScans?
    /// How long a manifest push waits for its layers' scans before the manifest is stored quarantined.
    let scanWait: Duration
    /// Matches inventories against the vulnerability database; nil checks nothing, so a tier that blocks vulnerable
    /// images releases nothing (unknown is not safe).
    let matching: InventoryMatching?
    let lastRescanSummary = Mutex<RescanSummary?>(nil)

    public init(blobs: any BlobStore, metadata: any MetadataStore, scans: LayerScans? = nil, scanWait: Duration = .seconds(30),
                vulnerabilities: VulnerabilityFeed? = nil, events: any EnforcementEvents = IgnoredEnforcementEvents(),
                metrics: any MetricsFactory = NOOPMetricsHandler.instance, clock: @escaping @Sendable () -> Date = Date.init) {
        self.blobs = blobs
        self.metadata = metadata
        self.scans = scans
        self.scanWait = scanWait
        self.matching = vulnerabilities.map(InventoryMatching.init)
        self.events = events
        self.metrics = EnforcementMetrics(factory: metrics)
        self.clock = clock
        scans?.whenScanned { [weak self] layer in await self?.layerScanned(layer) }
        vulnerabilities?.whenImported { [weak self] recorded in
            _ = await self?.rescanVulnerabilities(reason: "vulnerability database version \(recorded.version) imported")
        }
    }

    /// Called with every new live configuration. Returns once every stored manifest in a repository that requires
    /// signatures or scans has its verdict under it, so an apply that removes a key has quarantined its images when it
    /// returns. Layers not scanned yet (after a crash, or under a new rule set) are scanned in the background.
    public func configurationChanged(to declarations: DesiredState) async {
        await updates.run {
            scans?.use(patterns: declarations.secretPatterns)
            let trust = SignerTrust(declarations)
            let computer = VerdictComputer(artifacts: SignatureArtifacts(blobs: blobs, metadata: metadata), trust: trust, now: clock())
            var verdicts: [RepositoryName: RepositoryVerdicts] = [:]
            for repository in (try? await metadata.repositories(after: nil, limit: nil)) ?? [] {
                let rules = RepositoryRules(declarations.effectivePolicy(for: repository.value), repository: repository, declarations: declarations)
                guard rules.needsVerdicts else { continue }
                verdicts[repository] = await computeAll(in: repository, rules: rules, computer: computer)
            }
            let previous = state.withLock { state in
                let previous = state.verdicts
                state = State(declarations: declarations, trust: trust, verdicts: verdicts)
                return previous
            }
            for book in verdicts.values {
                for verdict in book.verdicts.values { await requestScans(verdict) }
            }
            await reportNewRejections(in: verdicts, comparedTo: previous)
            await reportVulnerabilityFlips(in: verdicts, comparedTo: previous, cause: "a new configuration")
            await reportStatusChanges(in: verdicts, comparedTo: previous, cause: "a new configuration")
            metrics.recount(verdicts, now: clock())
            for (repository, used) in (try? await metadata.usage()) ?? [:] {
                metrics.recordUsage(repository, used: used, quota: quota(for: repository)?.bytes)
            }
        }
    }

    /// The verdict of every manifest in `repository`. A manifest that cannot be read or verified gets no verdict, which
    /// reads treat as quarantined.
    private func computeAll(in repository: RepositoryName, rules: RepositoryRules, computer: VerdictComputer) async -> RepositoryVerdicts {
        var book = RepositoryVerdicts()
        for record in (try? await metadata.manifests(repository: repository)) ?? [] {
            if let verdict = try? await computer.verdict(for: record, rules: rules, scans: scans, matching: matching) { book.store(verdict) }
        }
        return book
    }

    /// Starts the scans a pending verdict, already stored, waits for. A scan that finished since the verdict was
    /// computed found no one waiting, so the verdict is computed again.
    func requestScans(_ verdict: Verdict) async {
        guard let scans else { return }
        for layer in Self.awaitedLayers(of: verdict) {
            if await scans.known(layer) != nil {
                Task { await self.layerScanned(layer.digest) }
            } else {
                await scans.request([layer])
            }
        }
    }

    /// The layers whose scan `verdict` waits for.
    static func awaitedLayers(of verdict: Verdict) -> Set<Descriptor> {
        var waiting = verdict.vulnerabilities?.pendingLayers ?? []
        if let scan = verdict.scan, scan.status == .pending { waiting += scan.layers.filter { $0.scannedAt == nil }.map(\.descriptor) }
        return Set(waiting)
    }

    func rules(for repository: RepositoryName) -> RepositoryRules {
        state.withLock { $0.rules(for: repository) }
    }
}

/// What one repository's effective policy enforces on manifests.
struct RepositoryRules: Sendable {
    var tier: String?
    var immutability: TagImmutability
    var signing: SigningRequirement?
    var secrets: SecretScanRequirement?
    var vulnerabilities: VulnerabilityRequirement?
    var quota: Quota?

    init(_ policy: EffectivePolicy?, repository: RepositoryName, declarations: DesiredState) {
        tier = policy?.tier.name
        immutability = TagImmutability(policy)
        signing = SigningRequirement(policy)
        secrets = SecretScanRequirement(policy, repository: repository.value, declarations: declarations)
        vulnerabilities = VulnerabilityRequirement(policy, repository: repository.value, declarations: declarations)
        quota = Quota(policy)
    }

    /// Its layers are read: for secrets, or for the packages whose vulnerabilities are checked.
    var scansLayers: Bool { secrets != nil || vulnerabilities != nil }
    /// Its manifests have verdicts: something must be checked before they are released, or recorded when it is.
    var needsVerdicts: Bool { signing != nil || scansLayers }
    /// Reads wait for a verdict that releases: signatures are required, or secrets or vulnerabilities block.
    var gatesReads: Bool { signing != nil || secrets?.blocks == true || vulnerabilities?.gatesReads == true }
}
