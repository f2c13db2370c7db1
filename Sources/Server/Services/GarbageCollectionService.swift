import Audit
import AuditRecords
import CoreMetrics
import Lifecycle
import Logging
import ServiceLifecycle

/// Collects garbage every interval (`--gc-interval`), while the registry serves, until the service group shuts down.
struct GarbageCollectionService: Service {
    let collection: GarbageCollection
    let audit: AuditLog
    let interval: Duration
    let logger: Logger
    let runs: Counter
    let blobsDeleted: Counter
    let bytesReclaimed: Counter
    let lastRunSeconds: Gauge

    init(collection: GarbageCollection, audit: AuditLog, interval: Duration, metrics: any MetricsFactory, logger: Logger) {
        self.collection = collection
        self.audit = audit
        self.interval = interval
        self.logger = logger
        runs = Counter(label: "berth_gc_runs_total", factory: metrics)
        blobsDeleted = Counter(label: "berth_gc_blobs_deleted_total", factory: metrics)
        bytesReclaimed = Counter(label: "berth_gc_bytes_reclaimed_total", factory: metrics)
        lastRunSeconds = Gauge(label: "berth_gc_last_run_seconds", factory: metrics)
    }

    /// With replicas, this runs on whichever holds the garbage-collection lease, from when it takes it: the clean-up a
    /// single server does before it serves (interrupted deletions, abandoned uploads) happens here, first at once, then
    /// every interval.
    func run() async throws {
        var suspects: Set<String> = []
        do {
            // Their markers refuse links of their blobs until finished: pushes of those blobs fail meanwhile.
            try await collection.finishInterruptedDeletions()
            suspects = try await collection.sweepAbandonedUploads(suspects: suspects, logger: logger)
        } catch {
            logger.error("clean-up of interrupted deletions and uploads failed; it runs again next interval", metadata: ["error": "\(error)"])
        }
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
            do {
                _ = try await collect()
                suspects = try await collection.sweepAbandonedUploads(suspects: suspects, logger: logger)
            } catch {
                logger.error("garbage collection failed; it runs again next interval", metadata: ["error": "\(error)"])
            }
        }
    }

    /// One run, now (the schedule's, or the admin API's), counted and logged.
    func collect() async throws -> GarbageCollection.Report {
        let audit = self.audit
        let logger = self.logger
        let report = try await collection.run { digest, size in
            do {
                try await audit.record(AuditEvent(actor: "berth", action: .blobDelete, object: digest.description, details: ["size": String(size)]))
            } catch {
                logger.error("could not record a blob deletion in the audit log", metadata: ["error": "\(error)"])
            }
        }
        runs.increment()
        blobsDeleted.increment(by: report.blobsDeleted)
        bytesReclaimed.increment(by: Int(report.bytesReclaimed))
        lastRunSeconds.record(report.finishedAt.timeIntervalSince(report.startedAt))
        if report.blobsDeleted > 0 || report.linksRemoved > 0 {
            logger.notice("garbage collected", metadata: [
                "links": "\(report.linksRemoved)", "blobs": "\(report.blobsDeleted)", "bytes": "\(report.bytesReclaimed)",
            ])
        }
        return report
    }
}
