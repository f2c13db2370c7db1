import AsyncHTTPClient
import NIOCore

/// Posts one event to one target and says how it went. Any 2xx is a delivery; anything else is a failure to retry.
struct WebhookSender: Sendable {
    enum Outcome: Sendable, Hashable {
        case delivered
        /// `reason` is short and names no secret and none of the response body, which a receiver controls and could
        /// fill with anything: it ends up in the status, the logs and the outbox.
        case failed(reason: String, retryAfter: Duration?)
    }

    let http: HTTPClient

    /// What of a response body is read before the connection is given back: enough for the acknowledgements receivers
    /// send; a longer body is cut off, closing that connection, so a receiver cannot hold a delivery by streaming.
    private static let drainedBodyLimit = 64 * 1024

    /// Throws only `CancellationError`, when the delivery is stopped while in flight.
    func send(_ event: WebhookEvent, to target: WebhookTarget) async throws -> Outcome {
        var request = HTTPClientRequest(url: target.url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: WebhookEvent.contentType)
        request.headers.add(name: WebhookSignature.header, value: WebhookSignature.value(for: event.body, secret: target.secret))
        request.headers.add(name: "X-Berth-Delivery", value: event.id)
        request.headers.add(name: "User-Agent", value: "berth")
        request.body = .bytes(event.body)
        do {
            let response = try await http.execute(request, timeout: Self.timeAmount(target.timeout))
            let code = Int(response.status.code)
            // The status decides: a body cut short after a 2xx does not undo the delivery.
            try? await Self.drain(response.body)
            if (200..<300).contains(code) { return .delivered }
            let retryAfter = response.headers.first(name: "Retry-After").flatMap { Int($0) }.map { Duration.seconds(max($0, 0)) }
            let redirect = (300..<400).contains(code) ? " (redirects are not followed)" : ""
            return .failed(reason: "HTTP \(code)\(redirect)", retryAfter: retryAfter)
        } catch {
            if Task.isCancelled { throw CancellationError() }
            return .failed(reason: Self.reason(error, timeout: target.timeout), retryAfter: nil)
        }
    }

    private static func drain(_ body: HTTPClientResponse.Body) async throws {
        var drained = 0
        for try await chunk in body {
            drained += chunk.readableBytes
            if drained > drainedBodyLimit { return }
        }
    }

    private static func reason(_ error: any Error, timeout: Duration) -> String {
        if let error = error as? HTTPClientError, error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            return "timed out after \(timeout)"
        }
        let text = String(describing: error)
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }

    private static func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }
}
