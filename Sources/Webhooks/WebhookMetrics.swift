import CoreMetrics

/// One webhook's metrics: `berth_webhook_deliveries_total{webhook,outcome}` counts attempts by how they ended, and
/// `berth_webhook_backlog{webhook}` is how many records it has yet to pass, as of its last read of the log.
struct WebhookMetrics: Sendable {
    let delivered: Counter
    let failed: Counter
    let backlog: Gauge

    init(webhook: String, factory: any MetricsFactory) {
        delivered = Counter(label: "berth_webhook_deliveries_total", dimensions: [("webhook", webhook), ("outcome", "delivered")], factory: factory)
        failed = Counter(label: "berth_webhook_deliveries_total", dimensions: [("webhook", webhook), ("outcome", "failed")], factory: factory)
        backlog = Gauge(label: "berth_webhook_backlog", dimensions: [("webhook", webhook)], factory: factory)
    }

    /// A webhook no longer configured stops being reported.
    func destroy() {
        delivered.destroy()
        failed.destroy()
        backlog.destroy()
    }
}
