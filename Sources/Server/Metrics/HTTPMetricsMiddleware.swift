import CoreMetrics
import Hummingbird
import Synchronization

/// Counts every request and times it to its response head, by route family and status class:
/// `berth_http_requests_total{family,status}` and `berth_http_request_duration_seconds{family,status}`.
struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let instruments: HTTPInstruments

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            instruments.record(endpoint: context.endpointPath, status: response.status.code, elapsed: ContinuousClock.now - started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            instruments.record(endpoint: context.endpointPath, status: status, elapsed: ContinuousClock.now - started)
            throw error
        }
    }
}

/// The counter and timer of each (family, status class), made on first use and kept.
final class HTTPInstruments: Sendable {
    private struct Key: Hashable {
        var family: RouteFamily
        var statusClass: Int
    }

    private let factory: any MetricsFactory
    private let instruments = Mutex<[Key: (requests: Counter, duration: Timer)]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func record(endpoint: String?, status: Int, elapsed: Duration) {
        let key = Key(family: RouteFamily(endpoint: endpoint), statusClass: min(max(status / 100, 1), 5))
        let (requests, duration) = instruments.withLock { instruments in
            if let made = instruments[key] { return made }
            let dimensions = [("family", key.family.rawValue), ("status", "\(key.statusClass)xx")]
            let made = (Counter(label: "berth_http_requests_total", dimensions: dimensions, factory: factory),
                        Timer(label: "berth_http_request_duration_seconds", dimensions: dimensions, factory: factory))
            instruments[key] = made
            return made
        }
        requests.increment()
        duration.recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
