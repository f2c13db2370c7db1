import CoreMetrics

/// The reconcile loop's metrics, recorded from each change of its status, so the status and the metrics never disagree.
struct ReconcileMetrics: Sendable {
    let reconciliations: Counter
    let failures: Counter
    let driftDetections: Counter
    let driftObjects: Gauge
    let drifted: Gauge
    let duration: Gauge
    let ready: Gauge

    init(factory: any MetricsFactory) {
        reconciliations = Counter(label: "berth_reconcile_total", factory: factory)
        failures = Counter(label: "berth_reconcile_failures_total", factory: factory)
        driftDetections = Counter(label: "berth_drift_detections_total", factory: factory)
        driftObjects = Gauge(label: "berth_drift_objects", factory: factory)
        drifted = Gauge(label: "berth_drifted", factory: factory)
        duration = Gauge(label: "berth_reconcile_duration_seconds", factory: factory)
        ready = Gauge(label: "berth_ready", factory: factory)
    }

    /// Counters advance by what the status counts grew by; gauges take the new values.
    func record(from before: ReconcileStatus?, to after: ReconcileStatus) {
        func advance(_ counter: Counter, _ count: KeyPath<ReconcileStatus, Int>) {
            let grown = after[keyPath: count] - (before?[keyPath: count] ?? 0)
            if grown > 0 { counter.increment(by: grown) }
        }
        advance(reconciliations, \.reconciliations)
        advance(failures, \.failures)
        advance(driftDetections, \.driftDetections)
        driftObjects.record(after.drift.count)
        drifted.record(after.condition("Drifted")?.status == "True" ? 1 : 0)
        duration.record(after.lastReconcileSeconds ?? 0)
        ready.record(after.condition("Ready")?.status == "True" ? 1 : 0)
    }
}
