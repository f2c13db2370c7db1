import Foundation
import OCI
import TestSupport
import Testing

/// `Expect: 100-continue`: the client sends the body only once it has the 100 (curl does this for every large
/// PATCH and PUT, and waits a second for a server that never answers).
@Suite(.timeLimit(.minutes(5))) struct ExpectContinueTests {
    @Test func aChunkWaitsForNoMoreThanTheContinue() async throws {
        try await withRegistry { client in
            let location = try #require(try await client.request(.POST, "/v2/r/blobs/uploads/")["Location"])
            let chunk = randomBytes(3000)
            // A read limit: without the 100 neither side would send anything more.
            let (interim, final) = try await RawConnection.run(port: client.port, timeout: 10) { connection in
                try connection.send("PATCH \(location) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: \(chunk.count)\r\nContent-Range: 0-\(chunk.count - 1)\r\n"
                    + "Expect: 100-continue\r\n\r\n")
                let interim = try connection.readResponse(bodyless: true)
                try connection.send(chunk)
                return (interim, try connection.readResponse())
            }
            #expect(interim.status == 100)
            #expect(final.status == 202)
            #expect(final.header("Range") == "0-2999")
            let done = try await client.request(.PUT, appendQuery(location, "digest=\(Digest.compute(chunk))"))
            #expect(done.status == 201)
        }
    }

    @Test func theContinueWaitsForTheResponsesBeforeIt() async throws {
        try await withRegistry { client in
            let blob = randomBytes(1 << 20)
            let digest = try await client.pushBlob("r", blob)
            let location = try #require(try await client.request(.POST, "/v2/r/blobs/uploads/")["Location"])
            let chunk = randomBytes(100)
            let (first, interim, final) = try await RawConnection.run(port: client.port) { connection in
                try connection.send("GET /v2/r/blobs/\(digest) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    + "PUT \(appendQuery(location, "digest=\(Digest.compute(chunk))")) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Length: \(chunk.count)\r\nExpect: 100-continue\r\n\r\n")
                let first = try connection.readResponse()
                let interim = try connection.readResponse(bodyless: true)
                try connection.send(chunk)
                return (first, interim, try connection.readResponse())
            }
            #expect(first.status == 200)
            #expect(first.body == blob)
            #expect(interim.status == 100)
            #expect(final.status == 201)
        }
    }

    @Test func aRefusedRequestStillGetsItsFinalStatus() async throws {
        try await withRegistry { client in
            let response = try await RawConnection.run(port: client.port) { connection in
                // An invalid repository name: refused before the body is read.
                try connection.send("POST /v2/Not-Lower-Case/blobs/uploads/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n")
                let interim = try connection.readResponse(bodyless: true)
                try connection.send(Array(repeating: 0, count: 10))
                return (interim.status, try connection.readResponse().status)
            }
            #expect(response == (100, 400))
        }
    }
}
