import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1.1 channel plus two handlers at the HTTP/1 level, below Hummingbird's HTTP types codec:
/// `BlobSendingHandler`, which lets a blob GET hand its file to the kernel (Hummingbird's response writer only
/// carries `ByteBuffer`s, so a blob would be copied through user space chunk by chunk), and
/// `ExpectContinueHandler`, which answers `Expect: 100-continue` (curl, among others, otherwise waits a
/// second before sending every large body).
struct RegistryHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder

    init(responder: @escaping HTTPChannelHandler.Responder) {
        self.responder = responder
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            var limits = NIOHTTPDecoderLimitConfiguration()
            limits.maxHeaderFieldCount = 1000  // Hummingbird's own limit
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                withPipeliningAssistance: false,
                withErrorHandling: false,
                withOutboundHeaderValidation: false,
                withEncoderConfiguration: .init(),
                withDecoderLimitConfiguration: limits
            )
            // Between the HTTP/1 encoder and the HTTP types codec: the only place a file region or an
            // informational response can still be written.
            try channel.pipeline.syncOperations.addHandler(ExpectContinueHandler())
            try channel.pipeline.syncOperations.addHandler(BlobSendingHandler())
            try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try channel.pipeline.syncOperations.addHandler(HTTPConnectionStateHandler(idleTimeout: nil, logger: logger))
            return try NIOAsyncChannel(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    func handle(value asyncChannel: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: asyncChannel, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with blob bodies sent by the kernel.
    public static var registryHTTP1: HTTPServerBuilder {
        .init { responder in RegistryHTTP1Channel(responder: responder) }
    }
}
