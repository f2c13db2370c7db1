import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// One request as the receiver got it: header names in lower case.
struct ReceivedRequest: Sendable {
    let headers: [String: String]
    let body: [UInt8]
    /// What the receiver answered.
    let status: Int
}

/// What a test's receiver got, and how it answers: the planned statuses first, one per request, then `fallback`.
actor Receiver {
    private(set) var requests: [ReceivedRequest] = []
    private var planned: [HTTPResponse.Status] = []
    private var fallback: HTTPResponse.Status = .ok
    private var failureBody = ""
    private var delay: Duration?

    /// Answers with `planned`, then `fallback`; a failure's body is `failureBody`; each answer comes after `delay`.
    func answer(_ planned: [HTTPResponse.Status] = [], then fallback: HTTPResponse.Status, failureBody: String = "", after delay: Duration? = nil) {
        self.planned = planned
        self.fallback = fallback
        self.failureBody = failureBody
        self.delay = delay
    }

    fileprivate func receive(headers: [String: String], body: [UInt8]) -> (status: HTTPResponse.Status, body: String, delay: Duration?) {
        let status = planned.isEmpty ? fallback : planned.removeFirst()
        requests.append(ReceivedRequest(headers: headers, body: body, status: Int(status.code)))
        return (status, status.code < 300 ? "" : failureBody, delay)
    }

    /// The bodies of requests answered with a 2xx, in arrival order.
    var accepted: [[UInt8]] { requests.filter { (200..<300).contains($0.status) }.map(\.body) }
}

/// A real HTTP receiver on a free loopback port for the duration of `body`, which gets its URL.
///
/// Stopped by a graceful shutdown, not by cancellation: cancelling a NIO server while it accepts a connection traps
/// (apple/swift-nio#3481), and the tests that time out make a new connection for each attempt.
func withReceiver<T: Sendable>(_ body: (URL, Receiver) async throws -> T) async throws -> T {
    let receiver = Receiver()
    var logger = Logger(label: "webhook-receiver")
    logger.logLevel = .critical
    let (ports, reportPort) = AsyncStream.makeStream(of: Int.self)
    let application = Application(router: receiver.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                  onServerRunning: { reportPort.yield($0.localAddress?.port ?? 0) }, logger: logger)
    let server = ServiceGroup(configuration: .init(services: [application], logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        do {
            let result = try await body(URL(string: "http://127.0.0.1:\(port)/hook")!, receiver)
            await server.triggerGracefulShutdown()
            try await group.waitForAll()
            return result
        } catch {
            await server.triggerGracefulShutdown()
            try? await group.waitForAll()
            throw error
        }
    }
}

extension Receiver {
    /// `POST /hook`, recorded and answered as planned.
    nonisolated func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("hook") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let answer = await self.receive(headers: headers, body: Array(buffer: bytes))
            if let delay = answer.delay { try await Task.sleep(for: delay) }
            return Response(status: answer.status, body: ResponseBody(byteBuffer: ByteBuffer(string: answer.body)))
        }
        return router
    }
}
