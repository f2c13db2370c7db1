import CoreMetrics
import Foundation
import Lifecycle
import Logging
import OCI
import Reconciler
import Registry
import Storage

/// Runs retention for the server: on its schedule and when asked through the admin API, one run at a time, with what
/// each deletion changes kept in step (the registry's manifest cache, the verdicts, usage), and the recent runs kept
/// for the admin API.
actor RetentionKeeper {
    let retention: Retention
    let admin: LocalAdmin
    let deleted: DeletedOutsideTheRegistry
    let logger: Logger
    private let deletedTags: Counter
    private let deletedManifests: Counter
    private let lastRunSeconds: Gauge
    private(set) var recentRuns: [RetentionRunSummary] = []
    private static let keptRuns = 20

    init(retention: Retention, admin: LocalAdmin, deleted: DeletedOutsideTheRegistry, metrics: any MetricsFactory, logger: Logger) {
        self.retention = retention
        self.admin = admin
        self.deleted = deleted
        self.logger = logger
        deletedTags = Counter(label: "berth_retention_deleted_tags_total", factory: metrics)
        deletedManifests = Counter(label: "berth_retention_deleted_manifests_total", factory: metrics)
        lastRunSeconds = Gauge(label: "berth_retention_last_run_seconds", factory: metrics)
    }

    /// What the next run would delete, now.
    func plan() async throws -> RetentionReport {
        let started = Date()
        let repositories = try await retention.plan(under: try await admin.liveDeclarations(), now: started)
        return RetentionReport(startedAt: started, finishedAt: Date(), applied: false, repositories: repositories)
    }

    /// One run: deletes what the live declarations' retention lets go, and records the run.
    func run() async throws -> RetentionReport {
        let report = try await retention.run(under: try await admin.liveDeclarations(), now: Date(), deleted: deleted.callAsFunction)
        deletedTags.increment(by: report.deletedTags)
        deletedManifests.increment(by: report.deletedManifests)
        lastRunSeconds.record(report.finishedAt.timeIntervalSince(report.startedAt))
        recentRuns.insert(RetentionRunSummary(report), at: 0)
        if recentRuns.count > Self.keptRuns { recentRuns.removeLast() }
        // The run's record: every deletion with the rule that let it go (the admin API keeps only the numbers).
        for repository in report.repositories {
            for deletion in repository.deletions {
                logger.notice("retention deleted", metadata: [
                    "repository": "\(repository.repository)", "rules": "\(repository.rules)",
                    "deleted": "\(deletion.subject)", "reason": "\(deletion.reason)",
                ])
            }
        }
        return report
    }
}
