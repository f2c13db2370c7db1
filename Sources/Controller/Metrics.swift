import Storage

/// Reconciler and access metrics in the Prometheus text format.
enum Metrics {
    static func render(_ status: ReconcileStatus, securityEvents: [SecurityEvent.Kind: Int]) -> String {
        let events = [SecurityEvent.Kind.authenticationFailed, .accessDenied, .throttled]
            .map { "berth_security_events_total{kind=\"\($0.rawValue)\"} \(securityEvents[$0] ?? 0)" }
            .joined(separator: "\n")
        let drifted = status.condition("Drifted")?.status == "True" ? 1 : 0
        let ready = status.condition("Ready")?.status == "True" ? 1 : 0
        return """
            # HELP berth_reconcile_total Reconciliations attempted.
            # TYPE berth_reconcile_total counter
            berth_reconcile_total \(status.reconciliations)
            # HELP berth_reconcile_failures_total Reconciliations that failed (invalid or untrusted commit, apply error).
            # TYPE berth_reconcile_failures_total counter
            berth_reconcile_failures_total \(status.failures)
            # HELP berth_drift_detections_total Times the live configuration was found changed outside git.
            # TYPE berth_drift_detections_total counter
            berth_drift_detections_total \(status.driftDetections)
            # HELP berth_drift_objects Objects changed outside git at the last check.
            # TYPE berth_drift_objects gauge
            berth_drift_objects \(status.drift.count)
            # HELP berth_drifted Whether the live configuration differs from git at the last check.
            # TYPE berth_drifted gauge
            berth_drifted \(drifted)
            # HELP berth_reconcile_duration_seconds Wall time of the last reconcile step.
            # TYPE berth_reconcile_duration_seconds gauge
            berth_reconcile_duration_seconds \(status.lastReconcileSeconds ?? 0)
            # HELP berth_ready Whether the registry matches the last good commit.
            # TYPE berth_ready gauge
            berth_ready \(ready)
            # HELP berth_security_events_total Authentication failures, denials and throttled logins since start.
            # TYPE berth_security_events_total counter
            \(events)

            """
    }
}
