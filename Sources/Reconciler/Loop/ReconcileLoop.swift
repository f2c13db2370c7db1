import Declarations
import Foundation
import Logging
import ServiceLifecycle
import Storage

/// The continuous reconciler of `berth serve --git/--declarations`: one `reconcile` step, run every interval.
///
/// Each step reads the declarations, refuses them if invalid or untrusted (the last good state stays in force),
/// detects drift — a change made outside git, i.e. a revision by any actor but the reconciler since the last
/// step — and, unless in report-only mode, applies the plan, which also reverts drift.
public actor ReconcileLoop: Service {
    public struct Options: Sendable {
        public var source: DeclarationSource
        public var interval: Duration
        public var reportOnly: Bool
        public var allowDestroy: Bool
        public var trust: CommitTrust?

        public init(source: DeclarationSource, interval: Duration, reportOnly: Bool = false, allowDestroy: Bool = false, trust: CommitTrust? = nil) {
            self.source = source
            self.interval = interval
            self.reportOnly = reportOnly
            self.allowDestroy = allowDestroy
            self.trust = trust
        }
    }

    let options: Options
    let reader: DeclarationReader
    let admin: any AdminEndpoint
    let status: ReconcileStatusBoard
    let logger: Logger
    /// Hears drift found and drift reverted (the audit log records both).
    let driftEvents: @Sendable (DriftEvent) async -> Void
    /// The newest revision seen at the end of the last step; revisions after it are what changed since.
    private var lastSeenRevision: Int64?
    /// Drift found and not yet reverted (report-only mode keeps reporting it until git and the registry agree).
    private var driftPending = false
    /// The version (commit id, or digest of a folder's files) the registry was last found to match, and the
    /// fingerprint of that state.
    private var inSync: (version: String, fingerprint: String)?

    public init(options: Options, reader: DeclarationReader, admin: any AdminEndpoint, status: ReconcileStatusBoard, logger: Logger,
                driftEvents: @escaping @Sendable (DriftEvent) async -> Void = { _ in }) {
        self.driftEvents = driftEvents
        self.options = options
        self.reader = reader
        self.admin = admin
        self.status = status
        self.logger = logger
    }

    /// Reconciles every interval until the service group shuts down. A graceful shutdown ends the wait between steps,
    /// never a step: an apply in progress finishes (or, failing, rolls back) before `run` returns.
    public func run() async {
        await status.update { [options] in
            $0.source = options.source.description
            $0.mode = options.reportOnly ? "report-only" : "enforce"
        }
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            await reconcile()
            try? await cancelWhenGracefulShutdown { [options] in try await Task.sleep(for: options.interval) }
        }
    }

    /// One reconciliation. Never throws: every outcome is recorded in the status board and the log.
    public func reconcile(now: Date = Date()) async {
        let started = ContinuousClock.now
        await step(now: now)
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        await status.update { $0.lastReconcileSeconds = seconds }
    }

    private func step(now: Date) async {
        await status.update { $0.reconciliations += 1 }
        let loaded: LoadedDeclarations
        let version: String
        do {
            switch options.source {
            case .folder(let path):
                version = try reader.folderDigest(path)
                if try await isUnchanged(since: version) { return }
                loaded = try reader.read(options.source, now: now)
            case .git(let url, let ref, let path):
                let repository = try reader.open(url)
                version = try repository.resolve(ref)
                if try await isUnchanged(since: version) { return }
                loaded = try reader.read(repository, commit: version, path: path, reference: "\(url)@\(ref)", now: now)
            }
        } catch {
            await fail("SourceUnavailable", "cannot read \(options.source): \(error)")
            return
        }
        await status.update { $0.lastAttemptedCommit = loaded.provenance.commit }
        if let trust = options.trust {
            if let problem = trust.problem(with: loaded) {
                await status.update { $0.set("SourceVerified", false, reason: "UntrustedCommit", message: problem, at: now) }
                await fail("UntrustedCommit", "refused: \(problem); the last good state stays in force")
                return
            }
            await status.update { $0.set("SourceVerified", true, reason: "Signed", message: "signed by a trusted key", at: now) }
        }
        if !loaded.result.errors.isEmpty {
            let first = loaded.result.errors.prefix(5).map(\.description).joined(separator: "; ")
            await fail("ValidationFailed", "\(loaded.result.errors.count) error(s) in \(loaded.provenance.commit ?? loaded.provenance.reference): \(first); the last good state stays in force")
            return
        }
        do {
            let live = try await admin.liveState()
            let plan = try Reconciliation.plan(desired: loaded.result.state, provenance: loaded.provenance, live: live, now: now)
            let drifted = try await detectDrift(plan: plan, now: now)
            if plan.isEmpty {
                inSync = (version, plan.desiredFingerprint)
                await status.update {
                    $0.set("Ready", true, reason: "InSync", message: "the registry matches \(loaded.provenance.commit ?? loaded.provenance.reference)", at: now)
                    $0.lastAppliedCommit = loaded.provenance.commit ?? $0.lastAppliedCommit
                }
                return
            }
            if options.reportOnly {
                await status.update {
                    $0.set("Ready", false, reason: "ChangesPending",
                           message: "report-only: \(plan.summary.total) change(s) not applied: \(plan.changes.prefix(10).map(\.id).joined(separator: ", "))", at: now)
                }
                logger.notice("report-only: changes pending", metadata: ["changes": "\(plan.changes.map(\.id))"])
                return
            }
            let revision = try await Reconciliation.apply(plan, through: admin, allowDestroy: options.allowDestroy)
            lastSeenRevision = revision?.id ?? lastSeenRevision
            driftPending = false
            if !drifted.isEmpty { await driftEvents(.reverted(objects: drifted, commit: loaded.provenance.commit, revision: revision?.id)) }
            inSync = (version, plan.desiredFingerprint)
            logger.notice("applied declarations", metadata: [
                "commit": "\(loaded.provenance.commit ?? "-")", "revision": "\(revision?.id ?? 0)",
                "create": "\(plan.summary.create)", "update": "\(plan.summary.update)", "delete": "\(plan.summary.delete)",
            ])
            await status.update {
                $0.set("Ready", true, reason: "Applied", message: "applied \(loaded.provenance.commit ?? loaded.provenance.reference) as revision \(revision?.id ?? 0)", at: now)
                if !drifted.isEmpty {
                    $0.drift = []
                    $0.set("Drifted", false, reason: "Reverted", message: "reverted \(drifted.count) change(s) made outside git: \(drifted.prefix(10).joined(separator: ", "))", at: now)
                }
                $0.lastAppliedCommit = loaded.provenance.commit
                $0.lastAppliedAt = now
            }
        } catch {
            await fail("ApplyFailed", "\(error)")
        }
    }

    /// The fast path of a no-op step: the same commit (or folder contents) as last time, and no revision since,
    /// so the registry still holds exactly what it declares. Skips parsing, validating and planning.
    private func isUnchanged(since version: String) async throws -> Bool {
        guard let inSync, inSync.version == version, let seen = lastSeenRevision,
              try await admin.revisions(limit: 1).first?.id == seen,
              try await admin.configurationFingerprint() == inSync.fingerprint
        else { return false }
        return true
    }

    /// Drift: revisions since the last step made by anyone but the reconciler (`berth apply` of git declarations is the
    /// reconciler too). The drifted objects are those the plan would change back. Returns them.
    private func detectDrift(plan: Plan, now: Date) async throws -> [String] {
        let recent = try await admin.revisions(limit: 100)
        let since = lastSeenRevision.map { seen in recent.filter { $0.id > seen } } ?? Array(recent.prefix(1))
        lastSeenRevision = recent.first?.id ?? lastSeenRevision
        let outside = since.filter { $0.source.actor != "reconciler" }
        driftPending = !plan.isEmpty && (driftPending || !outside.isEmpty)
        let drifted = driftPending ? plan.changes.map(\.id) : []
        if drifted.isEmpty {
            await status.update {
                $0.drift = []
                $0.set("Drifted", false, reason: "InSync", message: "no change outside git", at: now)
            }
            return []
        }
        let actors = outside.isEmpty ? "an earlier change" : Set(outside.map(\.source.actor)).sorted().joined(separator: ", ")
        let isNew = !outside.isEmpty
        logger.warning("drift: the live configuration was changed outside git", metadata: ["objects": "\(drifted)", "by": "\(actors)"])
        if isNew { await driftEvents(.detected(objects: drifted, by: Set(outside.map(\.source.actor)).sorted(), revisions: outside.map(\.id))) }
        await status.update {
            $0.drift = drifted
            if isNew { $0.driftDetections += 1 }
            $0.set("Drifted", true, reason: "ChangedOutsideGit",
                   message: "\(drifted.count) object(s) changed outside git by \(actors): \(drifted.prefix(10).joined(separator: ", "))", at: now)
        }
        return drifted
    }

    private func fail(_ reason: String, _ message: String) async {
        logger.error("reconcile failed", metadata: ["reason": "\(reason)", "message": "\(message)"])
        await status.update {
            $0.failures += 1
            $0.set("Ready", false, reason: reason, message: message)
        }
    }
}
