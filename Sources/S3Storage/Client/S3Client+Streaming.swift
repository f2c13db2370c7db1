import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1

/// GetObject with its body handed over on an event loop, not through a task: a server proxying a blob passes each
/// piece from the S3 connection to its client's connection on one thread (the request runs on the client connection's
/// event loop), which costs far less than a hop per piece through an async sequence.
extension S3Client {
    /// Whether requests can run on `eventLoop`: it must be one of the HTTP client's.
    func runs(on eventLoop: any EventLoop) -> Bool {
        http.eventLoopGroup.makeIterator().contains { $0 === eventLoop }
    }

    /// Sends `call` (a GetObject) on `eventLoop` and passes its body, cut to `range`, to `write`. A transient failure
    /// before the first piece is tried again, as `send` does; after it, the bytes already written cannot be taken back.
    func stream(_ call: Call, range: Range<Int64>, on eventLoop: any EventLoop, attempt: Int = 1,
                into write: @escaping (ByteBuffer) -> EventLoopFuture<Void>) -> EventLoopFuture<Void> {
        let prepared = prepare(call)
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(url: prepared.url, method: call.method, headers: prepared.headers)
        } catch {
            return eventLoop.makeFailedFuture(S3Error(operation: call.operation, status: nil, code: "InvalidRequest", message: "\(error)"))
        }
        let delegate = ObjectBodyDelegate(operation: call.operation, range: range, write: write)
        let task = http.execute(request: request, delegate: delegate, eventLoop: .delegateAndChannel(on: eventLoop), logger: logger)
        return task.futureResult.hop(to: eventLoop).assumeIsolated().flatMapError { error -> EventLoopFuture<Void> in
            if delegate.wrote {
                // Most often the client went away; otherwise S3 did, and the response is cut short.
                logger.debug("S3 object stream stopped midway", metadata: ["operation": "\(call.operation)", "error": "\(error)"])
                return eventLoop.makeFailedFuture(error)
            }
            let failure = delegate.refusal ?? S3Error(operation: call.operation, status: nil, code: "ConnectionFailed", message: "\(error)")
            guard call.idempotent, failure.isTransient, attempt < Self.attempts else {
                logger.error("S3 request failed; the response is cut", metadata: ["error": "\(failure)"])
                return eventLoop.makeFailedFuture(failure)
            }
            logger.warning("S3 request failed, trying again", metadata: ["error": "\(failure)", "attempt": "\(attempt)"])
            return eventLoop.assumeIsolated().flatScheduleTask(deadline: .now() + .milliseconds(200 << attempt)) {
                stream(call, range: range, on: eventLoop, attempt: attempt + 1, into: write)
            }.futureResult
        }.nonisolated()
    }
}

/// Receives a GetObject answer and passes its body on, cut to the range, one piece at a time: AsyncHTTPClient reads
/// the next piece only once `write`'s future for this one has completed.
///
/// Unchecked `Sendable`: the request runs with `delegateAndChannel(on:)`, so every call comes on that one event loop,
/// and `S3Client.stream` reads the state only on it, after the request ended.
final class ObjectBodyDelegate: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = Void

    private let operation: String
    private let range: Range<Int64>
    private let write: (ByteBuffer) -> EventLoopFuture<Void>
    private var cut: RangeCut?
    /// The answer was not a success: S3's status, for the error.
    private(set) var refusal: S3Error?
    /// Some of the body has been passed on.
    private(set) var wrote = false

    init(operation: String, range: Range<Int64>, write: @escaping (ByteBuffer) -> EventLoopFuture<Void>) {
        self.operation = operation
        self.range = range
        self.write = write
    }

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        guard (200..<300).contains(head.status.code) else {
            let refusal = S3Error(operation: operation, status: Int(head.status.code), code: "", message: "")
            self.refusal = refusal
            return task.eventLoop.makeFailedFuture(refusal)
        }
        cut = RangeCut(requested: range, status: head.status)
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        guard let piece = cut?.cut(buffer) else { return task.eventLoop.makeSucceededVoidFuture() }
        wrote = true
        return write(piece)
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {}
}

