import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import Storage

/// Sends queued blob bodies in place of a response body: files as file regions (sendfile), and store streams
/// (`BlobStream`) piece by piece on the connection's own event loop.
///
/// A blob response queues its body here, then ends its (empty) body with a marker trailer. Responses on a
/// connection are written in order, so each marked end takes the oldest queued body; the marker itself
/// never reaches the client. While a stream is being sent, what the connection writes next (a pipelined
/// request's response) waits here for its end, and so does a close (after a `Connection: close` request, the
/// server closes as soon as the response's end is written). Bodies still queued when the connection goes away
/// are dropped (a file closes with its `BlobFile`).
final class BlobSendingHandler: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    static let marker = "berth-send-file"

    enum Body: Sendable {
        case file(BlobFile, range: Range<Int64>)
        case stream(any BlobStream)
    }

    private var queued: CircularBuffer<Body> = []
    /// Set while a stream is being sent: the writes that came meanwhile, in order.
    private var held: CircularBuffer<(data: NIOAny, promise: EventLoopPromise<Void>?)>?
    /// A close asked for while a stream is being sent, done after the writes held with it.
    private var heldClose: (mode: CloseMode, promise: EventLoopPromise<Void>?)?

    func enqueue(_ body: Body) {
        queued.append(body)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if held != nil {
            held!.append((data, promise))
            return
        }
        guard case .end(let trailers) = unwrapOutboundIn(data), let trailers, trailers.contains(name: Self.marker) else {
            context.write(data, promise: promise)
            return
        }
        switch queued.popFirst() {
        case .file(let file, let range):
            guard let descriptor = file.take() else { return cut(context, promise) }
            let handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: descriptor)
            let region = FileRegion(fileHandle: handle, readerIndex: Int(range.lowerBound), endIndex: Int(range.upperBound))
            let sent = context.eventLoop.makePromise(of: Void.self)
            sent.futureResult.whenComplete { _ in try? handle.close() }
            context.write(wrapOutboundOut(.body(.fileRegion(region))), promise: sent)
            context.write(wrapOutboundOut(.end(nil)), promise: promise)
        case .stream(let stream):
            send(stream, context, promise)
        case nil:
            cut(context, promise)
        }
    }

    /// Unreachable while responses stay in order; cutting the connection beats a body that lies about its length.
    private func cut(_ context: ChannelHandlerContext, _ promise: EventLoopPromise<Void>?) {
        promise?.fail(ChannelError.ioOnClosedChannel)
        context.close(promise: nil)
    }

    private func send(_ stream: any BlobStream, _ context: ChannelHandlerContext, _ promise: EventLoopPromise<Void>?) {
        held = []
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        stream.send { piece in
            boundContext.value.writeAndFlush(handler.value.wrapOutboundOut(.body(.byteBuffer(piece))))
        }.hop(to: context.eventLoop).assumeIsolated().whenComplete { result in
            let handler = handler.value
            switch result {
            case .success: context.write(handler.wrapOutboundOut(.end(nil)), promise: promise)
            // The head promised more bytes than came: only closing tells the client.
            case .failure(let error):
                promise?.fail(error)
                context.close(promise: nil)
            }
            let waiting = handler.held ?? []
            let close = handler.heldClose
            handler.held = nil
            handler.heldClose = nil
            // In order; one of them may start another stream, which holds the rest (and the close) again.
            for write in waiting { handler.write(context: context, data: write.data, promise: write.promise) }
            context.flush()
            if let close { handler.close(context: context, mode: close.mode, promise: close.promise) }
        }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard held != nil else { return context.close(mode: mode, promise: promise) }
        guard let earlier = heldClose else { return heldClose = (mode, promise) }
        // A second close completes with the first.
        if let promise {
            if let first = earlier.promise { first.futureResult.cascade(to: promise) } else { heldClose = (earlier.mode, promise) }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        queued.removeAll()
        let waiting = held ?? []
        held = nil
        for write in waiting { write.promise?.fail(ChannelError.ioOnClosedChannel) }
        heldClose?.promise?.fail(ChannelError.ioOnClosedChannel)
        heldClose = nil
    }
}

extension Registry {
    /// Ends `writer`'s response with the blob's bytes sent by the connection itself (`BlobSendingHandler`). False
    /// when the connection has no such handler (another server setup), so the caller streams the bytes itself.
    static func send(_ body: BlobSendingHandler.Body, on channel: any Channel, writer: inout any ResponseBodyWriter) async throws -> Bool {
        let queued = try await channel.eventLoop.submit { () -> Bool in
            guard let handler = try? channel.pipeline.syncOperations.handler(type: BlobSendingHandler.self) else { return false }
            handler.enqueue(body)
            return true
        }.get()
        guard queued else { return false }
        try await writer.finish([HTTPField.Name(BlobSendingHandler.marker)!: "1"])
        return true
    }
}
