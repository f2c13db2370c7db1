import CoreMetrics
import Foundation
import OCI
import Synchronization

/// `berth_quarantined_reads_refused_total`, `berth_secret_scan_pushes_refused_total`,
/// `berth_vulnerability_pushes_refused_total`, `berth_vulnerable_pulls_total{action}`, `berth_quarantined_images{tier}`, and each repository's
/// `berth_repository_usage_bytes` and `berth_repository_quota_bytes`.
final class EnforcementMetrics: Sendable {
    let refusedReads: Counter
    let refusedPushes: Counter
    let refusedVulnerablePushes: Counter
    /// Pulls of images with vulnerabilities a tier only warns about at pull, served.
    let warnedPulls: Counter
    /// Pulls refused because a tier blocks the image's vulnerabilities at pull (also counted in `refusedReads`).
    let blockedPulls: Counter
    private let factory: any MetricsFactory
    private let gauges = Mutex<[String: Gauge]>([:])
    private let usageGauges = Mutex<[RepositoryName: (usage: Gauge, quota: Gauge)]>([:])

    /// A repository's usage, and its quota (0 when it has none).
    func recordUsage(_ repository: RepositoryName, used: Int64, quota: Int64?) {
        let pair = usageGauges.withLock { gauges in
            if let pair = gauges[repository] { return pair }
            let dimensions = [("repository", repository.value)]
            let pair = (Gauge(label: "berth_repository_usage_bytes", dimensions: dimensions, factory: factory),
                        Gauge(label: "berth_repository_quota_bytes", dimensions: dimensions, factory: factory))
            gauges[repository] = pair
            return pair
        }
        pair.usage.record(used)
        pair.quota.record(quota ?? 0)
    }

    private let rescans: Counter
    private let rescanSeconds: Gauge
    private let rescannedImages: Gauge

    /// `berth_vulnerability_rescans_total`, and the last rescan's `berth_vulnerability_rescan_seconds` and `…_images`.
    func recordRescan(_ summary: RescanSummary) {
        rescans.increment()
        let (seconds, attoseconds) = summary.duration.components
        rescanSeconds.record(Double(seconds) + Double(attoseconds) / 1e18)
        rescannedImages.record(summary.images)
    }

    init(factory: any MetricsFactory) {
        rescans = Counter(label: "berth_vulnerability_rescans_total", factory: factory)
        rescanSeconds = Gauge(label: "berth_vulnerability_rescan_seconds", factory: factory)
        rescannedImages = Gauge(label: "berth_vulnerability_rescan_images", factory: factory)
        self.factory = factory
        refusedReads = Counter(label: "berth_quarantined_reads_refused_total", factory: factory)
        refusedPushes = Counter(label: "berth_secret_scan_pushes_refused_total", factory: factory)
        refusedVulnerablePushes = Counter(label: "berth_vulnerability_pushes_refused_total", factory: factory)
        warnedPulls = Counter(label: "berth_vulnerable_pulls_total", dimensions: [("action", "warn")], factory: factory)
        blockedPulls = Counter(label: "berth_vulnerable_pulls_total", dimensions: [("action", "block")], factory: factory)
    }

    /// Sets the gauge of every tier seen so far: a tier whose last quarantined image was released reads 0, not its old count.
    func recount(_ verdicts: [RepositoryName: RepositoryVerdicts], now: Date) {
        var perTier: [String: Int] = [:]
        for book in verdicts.values {
            // One tier per repository: every verdict in a book was computed under the same requirement.
            if let tier = book.verdicts.values.first.flatMap(\.tier) { perTier[tier, default: 0] += book.quarantinedCount(at: now) }
        }
        gauges.withLock { gauges in
            for tier in Set(gauges.keys).union(perTier.keys) {
                let gauge = gauges[tier] ?? Gauge(label: "berth_quarantined_images", dimensions: [("tier", tier)], factory: factory)
                gauges[tier] = gauge
                gauge.record(perTier[tier] ?? 0)
            }
        }
    }
}
