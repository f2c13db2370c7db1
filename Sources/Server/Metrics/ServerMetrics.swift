import CoreMetrics
import Prometheus

/// The metrics of one server: recorded through swift-metrics, kept in this server's own Prometheus registry (several
/// servers may share a process, as in tests) and exposed at `/metrics` in the Prometheus text format.
public struct ServerMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    public let factory: any MetricsFactory

    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Request latencies from a sub-millisecond cached manifest to a multi-minute blob upload.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(250), .milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100),
            .milliseconds(500), .seconds(1), .seconds(5), .seconds(30), .seconds(120),
        ]
        self.registry = registry
        self.factory = factory
    }

    /// The exposition, as `/metrics` serves it.
    func render() -> [UInt8] {
        registry.emitToBuffer()
    }
}
