import NIOCore
import NIOHTTP1

/// Closes a connection that keeps a file descriptor without moving a request along: one that sends no complete
/// request head within `timeout` of opening or of its last response (an idle keep-alive connection, or a client
/// trickling header bytes), or that stops sending a request body for `timeout`.
///
/// Only time the server spends asking for bytes counts: while it holds back reading (a request handler that has
/// not yet started on the body, for instance), the client cannot be blamed for sending nothing.
///
/// A connection waiting for its response is never closed here. Its response counts as finished only when its
/// last byte has left, so a blob sent by the kernel to a slow reader is not cut off. This is also why the
/// handler sits next to the HTTP/1 codec, below the blob sender: Hummingbird's own idle timeout sees a blob
/// response end as soon as the file is handed over.
final class IdleConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let timeout: TimeAmount
    private let now: () -> NIODeadline
    /// Requests whose head has been read and whose response has not completely left.
    private var unanswered = 0
    private var readingBody = false
    /// Since when the server has not asked for more bytes, if it is holding back.
    private var withheldSince: NIODeadline?
    private var lastProgress: NIODeadline
    private var check: Scheduled<Void>?

    /// `now` is the clock the event loop schedules by (a test's embedded loop keeps its own).
    init(timeout: TimeAmount, now: @escaping () -> NIODeadline = { .now() }) {
        self.timeout = timeout
        self.now = now
        lastProgress = now()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { startWaiting(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        startWaiting(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        check?.cancel()
        check = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        check?.cancel()
        check = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastProgress = now()
        switch unwrapInboundIn(data) {
        case .head:
            unanswered += 1
            readingBody = true
        case .body:
            break
        case .end:
            readingBody = false
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        withheldSince = now()
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if let since = withheldSince {
            // The client's clock stood still while nobody listened. (Usually the next read follows at once.)
            lastProgress = lastProgress + (now() - max(since, lastProgress))
            withheldSince = nil
            if isWaitingOnClient { schedule(context, at: lastProgress + timeout) }
        }
        context.read()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        let sent = promise ?? context.eventLoop.makePromise()
        sent.futureResult.assumeIsolated().whenComplete { _ in
            // Never below zero: a head the decoder rejected is answered (400) without ever having been read.
            self.unanswered = max(0, self.unanswered - 1)
            if self.unanswered == 0 { self.startWaiting(context) }
        }
        context.write(data, promise: sent)
    }

    private var isWaitingOnClient: Bool { unanswered == 0 || readingBody }

    private func startWaiting(_ context: ChannelHandlerContext) {
        lastProgress = now()
        schedule(context, at: lastProgress + timeout)
    }

    private func schedule(_ context: ChannelHandlerContext, at deadline: NIODeadline) {
        guard check == nil, context.channel.isActive else { return }
        check = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.check = nil
            // Waiting on the server: the end of the response, or its next read, starts the clock again.
            guard self.isWaitingOnClient, self.withheldSince == nil else { return }
            let due = self.lastProgress + self.timeout
            if self.now() >= due {
                context.close(promise: nil)
            } else {
                self.schedule(context, at: due)
            }
        }
    }
}
