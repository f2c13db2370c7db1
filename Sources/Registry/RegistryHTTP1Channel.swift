import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1.1 channel plus three handlers at the HTTP/1 level, below Hummingbird's HTTP types codec:
/// `BlobSendingHandler`, which lets a blob GET hand its file to the kernel (Hummingbird's response writer only
/// carries `ByteBuffer`s, so a blob would be copied through user space chunk by chunk);
/// `ExpectContinueHandler`, which answers `Expect: 100-continue` (curl, among others, otherwise waits a
/// second before sending every large body); and `IdleConnectionHandler`, which closes connections their
/// client leaves idle, in place of Hummingbird's idle timeout.
struct RegistryHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    let idleTimeout: TimeAmount

    init(responder: @escaping HTTPChannelHandler.Responder, idleTimeout: TimeAmount) {
        self.responder = responder
        self.idleTimeout = idleTimeout
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
            try channel.pipeline.syncOperations.addHandler(IdleConnectionHandler(timeout: idleTimeout))
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
    /// HTTP/1.1 with blob bodies sent by the kernel, closing connections idle on the client's side for `idleTimeout`.
    public static func registryHTTP1(idleTimeout: Duration) -> HTTPServerBuilder {
        .init { responder in RegistryHTTP1Channel(responder: responder, idleTimeout: TimeAmount(idleTimeout)) }
    }
}
