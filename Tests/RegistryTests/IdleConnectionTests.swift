import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1
import OCI
@testable import Registry
import TestSupport
import Testing

/// Connections the client leaves idle are closed after the idle timeout (here 2 s); connections that are moving
/// a request along, however slowly, are not. The timeout leaves room for a test process starved of CPU by the
/// rest of the suite: the server would rightly close a client that stalls for longer.
@Suite(.timeLimit(.minutes(5))) struct IdleConnectionTests {
    static let timeout = Duration.seconds(2)

    func withShortTimeout(_ body: @escaping @Sendable (RegistryClient) async throws -> Void) async throws {
        try await withRegistry(idleTimeout: Self.timeout) { client in try await body(client) }
    }

    @Test func aConnectionThatNeverSendsARequestIsClosed() async throws {
        try await withShortTimeout { client in
            let seconds = try await RawConnection.run(port: client.port, timeout: 10) { try $0.secondsUntilClosed() }
            #expect(seconds >= 1.9 && seconds < 8)
        }
    }

    @Test func aHeadSentOneLineAtATimeIsClosed() async throws {
        try await withShortTimeout { client in
            let closed = try await RawConnection.run(port: client.port, timeout: 10) { connection -> Bool in
                try connection.send("GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                // Bytes keep coming, but never a whole head: the clock is not reset by them.
                for index in 0..<40 {
                    usleep(200_000)
                    do { try connection.send("X-Trickle-\(index): x\r\n") } catch { return true }
                }
                return false
            }
            #expect(closed)
        }
    }

    @Test func anIdleKeepAliveConnectionIsClosedAfterItsResponse() async throws {
        try await withShortTimeout { client in
            let (status, seconds) = try await RawConnection.run(port: client.port, timeout: 10) { connection in
                try connection.send("GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                let status = try connection.readResponse().status
                return (status, try connection.secondsUntilClosed())
            }
            #expect(status == 200)
            #expect(seconds >= 1.9 && seconds < 8)
        }
    }

    @Test func aBodyThatStopsComingIsClosed() async throws {
        try await withShortTimeout { client in
            let location = try #require(try await client.request(.POST, "/v2/r/blobs/uploads/")["Location"])
            let seconds = try await RawConnection.run(port: client.port, timeout: 10) { connection in
                try connection.send("PATCH \(location) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n")
                try connection.send(Array(repeating: 7, count: 10))
                return try connection.secondsUntilClosed()
            }
            #expect(seconds >= 1.9 && seconds < 8)
        }
    }

    @Test func aSlowButSteadyUploadIsNotCutOff() async throws {
        try await withShortTimeout { client in
            let location = try #require(try await client.request(.POST, "/v2/r/blobs/uploads/")["Location"])
            let blob = randomBytes(8 * 1000)
            let response = try await RawConnection.run(port: client.port, timeout: 10) { connection in
                try connection.send("PUT \(appendQuery(location, "digest=\(Digest.compute(blob))")) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: \(blob.count)\r\n\r\n")
                // Four seconds in all, never more than a quarter of the timeout between pieces.
                for piece in stride(from: 0, to: blob.count, by: 1000) {
                    usleep(500_000)
                    try connection.send(Array(blob[piece..<piece + 1000]))
                }
                return try connection.readResponse()
            }
            #expect(response.status == 201)
        }
    }

    /// A blob far larger than the socket buffers hold (the client's is pinned small, so the kernel cannot grow it), so
    /// the server is still sending long after it handed the file over.
    static let slowlyReadSize = 16 << 20
    static let receiveBuffer = 64 << 10

    /// Reads the body 1 MiB every quarter second: four seconds in all, twice the idle timeout.
    static func readSlowly(_ response: inout RawConnection.Response, from connection: RawConnection) throws {
        let length = try #require(Int(response.header("Content-Length") ?? ""))
        while response.body.count < length {
            response.body += try connection.read(min(1 << 20, length - response.body.count))
            usleep(250_000)
        }
    }

    @Test func aBlobReadSlowlyIsSentToTheEnd() async throws {
        try await withShortTimeout { client in
            let blob = randomBytes(Self.slowlyReadSize)
            let digest = try await client.pushBlob("r", blob)
            let response = try await RawConnection.run(port: client.port, timeout: 10, receiveBuffer: Self.receiveBuffer) { connection in
                try connection.send("GET /v2/r/blobs/\(digest) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                var response = try connection.readResponse(bodyless: true)
                try Self.readSlowly(&response, from: connection)
                return response
            }
            #expect(response.status == 200)
            #expect(response.body == blob)
        }
    }

    @Test func anUploadPipelinedBehindASlowlyReadBlobCompletes() async throws {
        try await withShortTimeout { client in
            let blob = randomBytes(Self.slowlyReadSize)
            let digest = try await client.pushBlob("r", blob)
            let location = try #require(try await client.request(.POST, "/v2/r/blobs/uploads/")["Location"])
            let upload = randomBytes(2 << 20)
            let (first, second) = try await RawConnection.run(port: client.port, timeout: 10, receiveBuffer: Self.receiveBuffer) { connection in
                // The upload is answered while the blob is still on its way, and its 201 waits behind it.
                try connection.send("GET /v2/r/blobs/\(digest) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    + "PUT \(appendQuery(location, "digest=\(Digest.compute(upload))")) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: \(upload.count)\r\n\r\n")
                try connection.send(upload)
                var first = try connection.readResponse(bodyless: true)
                try Self.readSlowly(&first, from: connection)
                return (first, try connection.readResponse())
            }
            #expect(first.status == 200)
            #expect(first.body == blob)
            #expect(second.status == 201)
        }
    }
}

/// The handler's bookkeeping on an embedded channel, whose clock the test moves: what counts as the client's idle time.
@Suite struct IdleConnectionHandlerTests {
    func makeChannel(timeout: TimeAmount = .seconds(2)) throws -> (EmbeddedChannel, EmbeddedEventLoop) {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(handler: IdleConnectionHandler(timeout: timeout, now: { loop.now }), loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return (channel, loop)
    }

    /// Open until just before the 2 s timeout, counted from now; closed just after it.
    func expectClosedAtTheTimeout(_ channel: EmbeddedChannel, _ loop: EmbeddedEventLoop, sourceLocation: SourceLocation = #_sourceLocation) {
        loop.advanceTime(by: .milliseconds(1900))
        #expect(channel.isActive, "closed before the timeout", sourceLocation: sourceLocation)
        loop.advanceTime(by: .milliseconds(200))
        #expect(!channel.isActive, "still open after the timeout", sourceLocation: sourceLocation)
    }

    func startBody(_ channel: EmbeddedChannel) throws {
        try channel.writeInbound(HTTPServerRequestPart.head(HTTPRequestHead(version: .http1_1, method: .PUT, uri: "/v2/r/blobs/uploads/x")))
        channel.pipeline.fireChannelReadComplete()
    }

    @Test func aBodyStalledWhileTheServerAsksForMoreIsClosedAtTheTimeout() throws {
        let (channel, loop) = try makeChannel()
        try startBody(channel)
        channel.read()
        expectClosedAtTheTimeout(channel, loop)
    }

    @Test func timeTheServerDoesNotAskForBytesIsNotCounted() throws {
        let (channel, loop) = try makeChannel()
        try startBody(channel)
        // The server holds back reading for far longer than the timeout: the client could not have sent anything.
        loop.advanceTime(by: .seconds(10))
        #expect(channel.isActive)
        // Once it asks again, the client has the rest of its time, not a moment more.
        channel.read()
        expectClosedAtTheTimeout(channel, loop)
    }

    @Test func aResponseInProgressIsNeverTimedOutAndItsEndStartsTheClock() throws {
        let (channel, loop) = try makeChannel()
        try channel.writeInbound(HTTPServerRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/v2/")))
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        channel.read()
        loop.advanceTime(by: .seconds(10))
        #expect(channel.isActive, "the request is read; the server is still answering")
        try channel.writeOutbound(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok)))
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
        expectClosedAtTheTimeout(channel, loop)
    }
}
