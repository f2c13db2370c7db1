import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM stops `berth serve` gracefully: the listener closes, a request in flight still finishes, the services (the
/// reconcile loop among them) stop, and the process exits 0.
@Suite("graceful shutdown", .timeLimit(.minutes(5)))
struct GracefulShutdownTests {
    @Test("an upload in flight at SIGTERM completes, then the server exits 0 and the blob is there after a restart")
    func uploadInFlightCompletes() async throws {
        try await withTemporaryDirectory("sigterm-upload") { tmp in
            let data = tmp.url.appendingPathComponent("data")
            let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("examples")
            let server = try await BerthProcess.start(dataDirectory: data, logDirectory: tmp.url,
                                                      extraArguments: ["--declarations", examples.path, "--interval", "1s"])
            let blob = randomData(count: 256 << 10)
            let digest = sha256Digest(blob)
            let location = try await RegistryClient.with(baseURL: server.baseURL, authorization: TestEnvironment.adminAuthorization) { client in
                let start = try await client.request(.POST, "/v2/team/shutdown/blobs/uploads/")
                guard start.status == 202, let location = start.header("Location") else { throw TestSetupError("POST upload:\n\(start)") }
                return location
            }
            let connection = try LoopbackConnection(port: server.port)
            let separator = location.contains("?") ? "&" : "?"
            let head = "PUT \(location)\(separator)digest=\(digest) HTTP/1.1\r\nHost: \(server.host)\r\nAuthorization: \(server.adminAuthorization)\r\n"
                + "Content-Type: application/octet-stream\r\nContent-Length: \(blob.count)\r\n\r\n"
            try connection.send(Array(head.utf8))
            try connection.send(Array(blob.prefix(blob.count / 2)))
            // The server has the request head and half its body when it is told to stop.
            try await Task.sleep(for: .milliseconds(300))
            server.kill(signal: SIGTERM)
            try await Task.sleep(for: .milliseconds(300))
            try connection.send(Array(blob.suffix(from: blob.count / 2)))
            let status = try connection.readStatus()
            #expect(status == 201, "the upload in flight was cut off: \(status)\n\(server.logTail())")

            let termination = await server.waitForExit(timeout: .seconds(20))
            #expect(termination != nil && termination?.signaled == false && termination?.status == 0,
                    "SIGTERM should end the server cleanly, got \(String(describing: termination))\n\(server.logTail())")
            try await withBerth(dataDirectory: data, logDirectory: tmp.url) { restarted in
                try await RegistryClient.with(baseURL: restarted.baseURL, authorization: TestEnvironment.adminAuthorization) { client in
                    let head = try await client.request(.HEAD, "/v2/team/shutdown/blobs/\(digest)")
                    #expect(head.status == 200, "the blob committed during shutdown is missing:\n\(head)")
                }
            }
        }
    }
}

/// A plain TCP connection to the server, to hold a request half-sent.
final class LoopbackConnection {
    private let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard descriptor >= 0, connected == 0 else { throw TestSetupError("cannot connect to 127.0.0.1:\(port): errno \(errno)") }
    }

    deinit { close(descriptor) }

    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw TestSetupError("send failed: errno \(errno)") }
            sent += count
        }
    }

    /// The status code of the response's first line.
    func readStatus() throws -> Int {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !received.contains(UInt8(ascii: "\n")) {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw TestSetupError("the connection closed before a response (\(received.count) bytes)") }
            received += buffer[..<count]
        }
        let line = String(decoding: received.prefix { $0 != UInt8(ascii: "\r") }, as: UTF8.self)
        guard let status = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { throw TestSetupError("not an HTTP response: \(line)") }
        return status
    }
}
