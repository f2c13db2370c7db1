import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import Storage

/// Sends queued blob files as file regions (sendfile) in place of a response body.
///
/// A blob response queues its file here, then ends its (empty) body with a marker trailer. Responses on a
/// connection are written in order, so each marked end takes the oldest queued file; the marker itself
/// never reaches the client. Files still queued when the connection goes away are closed.
final class BlobSendingHandler: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    static let marker = "berth-send-file"

    private var queued: CircularBuffer<(file: BlobFile, range: Range<Int64>)> = []

    func enqueue(_ file: BlobFile, range: Range<Int64>) {
        queued.append((file, range))
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end(let trailers) = unwrapOutboundIn(data), let trailers, trailers.contains(name: Self.marker) else {
            context.write(data, promise: promise)
            return
        }
        guard let (file, range) = queued.popFirst(), let descriptor = file.take() else {
            // Unreachable while responses stay in order; cutting the connection beats a body that lies about its length.
            promise?.fail(ChannelError.ioOnClosedChannel)
            context.close(promise: nil)
            return
        }
        let handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: descriptor)
        let region = FileRegion(fileHandle: handle, readerIndex: Int(range.lowerBound), endIndex: Int(range.upperBound))
        let sent = context.eventLoop.makePromise(of: Void.self)
        sent.futureResult.whenComplete { _ in try? handle.close() }
        context.write(wrapOutboundOut(.body(.fileRegion(region))), promise: sent)
        context.write(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        queued.removeAll()
    }
}

extension Registry {
    /// Ends `writer`'s response with the blob's bytes sent by the kernel. False when the connection has no
    /// `BlobSendingHandler` (another server setup), so the caller streams the bytes itself.
    static func send(_ file: BlobFile, range: Range<Int64>, on channel: any Channel, writer: inout any ResponseBodyWriter) async throws -> Bool {
        let queued = try await channel.eventLoop.submit { () -> Bool in
            guard let handler = try? channel.pipeline.syncOperations.handler(type: BlobSendingHandler.self) else { return false }
            handler.enqueue(file, range: range)
            return true
        }.get()
        guard queued else { return false }
        try await writer.finish([HTTPField.Name(BlobSendingHandler.marker)!: "1"])
        return true
    }
}
