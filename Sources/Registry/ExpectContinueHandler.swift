import NIOCore
import NIOHTTP1

/// Answers `Expect: 100-continue` with `100 Continue` as soon as the request is next in line.
///
/// A client that sends the expectation waits for the 100 before sending the body (curl gives up waiting
/// after a second, on every large PATCH or PUT). The registry reads every body it is sent, so the answer is
/// always to continue; a request refused before its body is read still gets its final status after the 100,
/// which RFC 9110 §10.1.1 allows. With pipelined requests the 100 must not overtake the responses to earlier
/// requests, so it waits until all of them have ended.
final class ExpectContinueHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private var requestsReceived = 0
    private var responsesEnded = 0
    /// Positions (in arrival order) of requests that expect a 100 not yet sent.
    private var waiting: CircularBuffer<(request: Int, version: HTTPVersion)> = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            let position = requestsReceived
            requestsReceived += 1
            if head.version.major > 1 || head.version.minor >= 1, head.headers[canonicalForm: "expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                if position == responsesEnded {
                    sendContinue(context: context, version: head.version)
                } else {
                    waiting.append((position, head.version))
                }
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        context.write(data, promise: promise)
        responsesEnded += 1
        if let next = waiting.first, next.request == responsesEnded {
            waiting.removeFirst()
            sendContinue(context: context, version: next.version)
        }
    }

    private func sendContinue(context: ChannelHandlerContext, version: HTTPVersion) {
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: .continue))), promise: nil)
    }
}
