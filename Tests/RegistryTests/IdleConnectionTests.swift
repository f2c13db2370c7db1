import Foundation
import OCI
import Testing

/// Connections the client leaves idle are closed after the idle timeout (here 2 s); connections that are moving
/// a request along, however slowly, are not. The timeout leaves room for a test process starved of CPU by the
/// rest of the suite: the server would rightly close a client that stalls for longer.
@Suite(.timeLimit(.minutes(1))) struct IdleConnectionTests {
    static let timeout = Duration.seconds(2)

    func withShortTimeout(_ body: @escaping @Sendable (RegistryClient) async throws -> Void) async throws {
        try await withRegistry(idleTimeout: Self.timeout, configure: { _ in }) { client, _ in try await body(client) }
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
                try connection.send("GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: \(testAdminAuthorization)\r\n\r\n")
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
                try connection.send("PATCH \(location) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: \(testAdminAuthorization)\r\n"
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
                    + "Authorization: \(testAdminAuthorization)\r\nContent-Type: application/octet-stream\r\nContent-Length: \(blob.count)\r\n\r\n")
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

    @Test func aBlobReadSlowlyIsSentToTheEnd() async throws {
        try await withShortTimeout { client in
            // Far more than the socket buffers hold, so the server is still sending long after it handed the file over.
            let blob = randomBytes(48 << 20)
            let digest = try await client.pushBlob("r", blob)
            let response = try await RawConnection.run(port: client.port, timeout: 10) { connection in
                try connection.send("GET /v2/r/blobs/\(digest) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: \(testAdminAuthorization)\r\n\r\n")
                var response = try connection.readResponse(bodyless: true)
                let length = try #require(Int(response.header("Content-Length") ?? ""))
                while response.body.count < length {
                    response.body += try connection.read(min(2 << 20, length - response.body.count))
                    usleep(200_000)
                }
                return response
            }
            #expect(response.status == 200)
            #expect(response.body == blob)
        }
    }

    @Test func aBodyTheServerIsNotReadingYetIsNotHeldAgainstTheClient() async throws {
        try await withShortTimeout { client in
            let blob = randomBytes(48 << 20)
            let digest = try await client.pushBlob("r", blob)
            let location = try #require(try await client.request(.POST, "/v2/r/blobs/uploads/")["Location"])
            let upload = randomBytes(2 << 20)
            let (first, second) = try await RawConnection.run(port: client.port, timeout: 10) { connection in
                // The upload's body waits behind the blob's slow response: the server stops reading it, and the
                // client, having sent everything, has nothing more to send.
                try connection.send("GET /v2/r/blobs/\(digest) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: \(testAdminAuthorization)\r\n\r\n"
                    + "PUT \(appendQuery(location, "digest=\(Digest.compute(upload))")) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: \(testAdminAuthorization)\r\nContent-Type: application/octet-stream\r\nContent-Length: \(upload.count)\r\n\r\n")
                try connection.send(upload)
                var first = try connection.readResponse(bodyless: true)
                let length = try #require(Int(first.header("Content-Length") ?? ""))
                while first.body.count < length {
                    first.body += try connection.read(min(2 << 20, length - first.body.count))
                    usleep(200_000)
                }
                return (first, try connection.readResponse())
            }
            #expect(first.status == 200)
            #expect(first.body == blob)
            #expect(second.status == 201)
        }
    }
}
