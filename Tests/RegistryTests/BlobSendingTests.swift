import Foundation
import Hummingbird
import Logging
import OCI
import Registry
import Storage
import TestSupport
import Testing

/// Blob bodies leave through sendfile, or as a store's stream on the connection's event loop; these tests pin down
/// what that must not change.
@Suite(.timeLimit(.minutes(5))) struct BlobSendingTests {
    @Test(arguments: [false, true])
    func pipelinedRequestsOnOneConnectionGetTheirOwnBodiesInOrder(streamed: Bool) async throws {
        try await withRegistry(blobs: { streamed ? StreamedBlobStore(inner: $0) : $0 }) { client in
            let large = patternBytes(3 << 20)
            let small = randomBytes(10_000)
            let largeDigest = try await client.pushBlob("r", large)
            let smallDigest = try await client.pushBlob("r", small)
            let emptyDigest = try await client.pushBlob("r", [])
            let requests: [(method: String, path: String, range: String?, expected: [UInt8])] = [
                ("GET", "/v2/r/blobs/\(largeDigest)", nil, large),
                ("HEAD", "/v2/r/blobs/\(smallDigest)", nil, []),
                ("GET", "/v2/r/blobs/\(smallDigest)", "bytes=10-5000", Array(small[10...5000])),
                ("GET", "/v2/", nil, Array("{}".utf8)),
                ("GET", "/v2/r/blobs/\(largeDigest)", "bytes=-100", Array(large.suffix(100))),
                ("GET", "/v2/r/blobs/\(emptyDigest)", nil, []),
                ("GET", "/v2/r/blobs/\(smallDigest)", nil, small),
                ("GET", "/v2/r/blobs/\(largeDigest)", "bytes=1048576-", Array(large[1_048_576...])),
            ]
            let responses = try await RawConnection.run(port: client.port) { connection in
                try connection.send(requests.map { request in
                    var text = "\(request.method) \(request.path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    if let range = request.range { text += "Range: \(range)\r\n" }
                    return text + "\r\n"
                }.joined())
                return try requests.map { try connection.readResponse(bodyless: $0.method == "HEAD") }
            }
            #expect(responses.count == requests.count)
            for (request, response) in zip(requests, responses) {
                #expect(response.status == (request.range == nil ? 200 : 206), "\(request.method) \(request.path) \(request.range ?? "")")
                #expect(response.body == request.expected, "\(request.method) \(request.path) \(request.range ?? ""): \(response.body.count) bytes")
                #expect(!response.head.lowercased().contains("berth-send-file"))
            }
        }
    }

    /// After a `Connection: close` request the server closes once the response is written: not before a stream
    /// has sent the whole body.
    @Test(arguments: [false, true])
    func aBlobAskedForWithConnectionCloseArrivesWhole(streamed: Bool) async throws {
        try await withRegistry(blobs: { streamed ? StreamedBlobStore(inner: $0) : $0 }) { client in
            let bytes = randomBytes(1 << 20)
            let digest = try await client.pushBlob("r", bytes)
            let (response, body) = try await RawConnection.run(port: client.port) { connection in
                try connection.send("GET /v2/r/blobs/\(digest) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                return (try connection.readResponse(bodyless: true), try connection.readUntilClosed())
            }
            #expect(response.status == 200)
            #expect(body.count == bytes.count)
            #expect(Digest.compute(body) == digest)
        }
    }

    /// The head promised the whole blob, so a stream that fails midway can only cut the connection: the client gets
    /// the bytes sent so far and then the end, never a later response in place of the rest.
    @Test func aStreamFailingMidwayCutsTheConnection() async throws {
        let sent = 4 * StreamedBlobStore.pieceSize
        try await withRegistry(blobs: { StreamedBlobStore(inner: $0, failingAfter: sent) }) { client in
            let bytes = randomBytes(1 << 20)
            let digest = try await client.pushBlob("r", bytes)
            let (response, rest) = try await RawConnection.run(port: client.port) { connection in
                try connection.send("GET /v2/r/blobs/\(digest) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    + "GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                return (try connection.readResponse(bodyless: true), try connection.readUntilClosed())
            }
            #expect(response.status == 200)
            #expect(response.header("Content-Length") == String(bytes.count))
            #expect(rest.count == sent)
            #expect(Digest.compute(rest) == Digest.compute(Array(bytes.prefix(sent))), "not the blob's first bytes")
        }
    }

    @Test func aClientLeavingMidBlobLeavesNoOpenFile() async throws {
        try await withRegistry { client in
            let digest = try await client.pushBlob("r", patternBytes(8 << 20))
            let request = "GET /v2/r/blobs/\(digest) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            let received = try await RawConnection.run(port: client.port) { connection in
                try connection.send(request)
                return try connection.read(64 << 10).count
            }
            #expect(received == 64 << 10)
            var stillOpen = openFiles(containing: digest.hex)
            for _ in 0..<100 where !stillOpen.isEmpty {
                try await Task.sleep(for: .milliseconds(50))
                stillOpen = openFiles(containing: digest.hex)
            }
            #expect(stillOpen.isEmpty, "the blob file is still open: \(stillOpen)")
        }
    }

    /// A server without the sending handler (plain Hummingbird HTTP/1.1) still serves blobs, streamed.
    @Test func blobsAreStreamedWhereTheConnectionCannotSendFiles() async throws {
        let temporary = try TemporaryDirectory("streamed")
        defer { temporary.remove() }
        let directory = temporary.url
        let stores = try EmbeddedStores(dataDirectory: directory)
        var logger = Logger(label: "berth-test")
        logger.logLevel = .critical
        let registry = Registry(blobs: stores.blobs, metadata: stores.metadata, access: PermitEveryone(), policy: AllowEveryManifest(), logger: logger)
        try await withServing({ [logger] reportPort in
            try await Application(responder: registry, server: .http1(), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                  onServerRunning: { channel in reportPort(channel.localAddress?.port ?? 0) }, logger: logger).run()
        }) { port in
            let client = RegistryClient(base: "http://127.0.0.1:\(port)")
            let bytes = randomBytes(2 << 20)
            let digest = try await client.pushBlob("r", bytes)
            let whole = try await client.request(.GET, "/v2/r/blobs/\(digest)")
            #expect(whole.status == 200)
            #expect(whole.body == bytes)
            let part = try await client.request(.GET, "/v2/r/blobs/\(digest)", headers: [("Range", "bytes=1000-1999")])
            #expect(part.status == 206)
            #expect(part.body == Array(bytes[1000..<2000]))
        }
    }
}

/// Bytes that differ from offset to offset (so a body from the wrong place shows), cheap to make in a debug build.
private func patternBytes(_ count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 11) }
}

extension RegistryClient {
    var port: Int { Int(base.split(separator: ":").last!)! }
}

/// Paths of this process's open files whose path contains `fragment` (the server runs in the test process).
private func openFiles(containing fragment: String) -> [String] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    return entries.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)") }
        .filter { $0.contains(fragment) }
}

/// HTTP/1.1 over a plain blocking socket: pipelining, `Expect: 100-continue` and hanging up mid-response are
/// exactly what an HTTP client library will not do on request. Use it inside `RawConnection.run`, which keeps
/// the blocking calls on a thread of their own.
final class RawConnection {
    struct Response {
        var status: Int
        var head: String
        var body: [UInt8]

        func header(_ name: String) -> String? {
            head.components(separatedBy: "\r\n").dropFirst().compactMap { line -> String? in
                let parts = line.split(separator: ":", maxSplits: 1)
                return parts.count == 2 && parts[0].lowercased() == name.lowercased() ? parts[1].trimmingCharacters(in: .whitespaces) : nil
            }.first
        }
    }

    private let socket: Int32
    private var buffered: [UInt8] = []

    /// Connects to 127.0.0.1:`port` and runs `body` with the connection on its own thread; a read waits at most `timeout`
    /// seconds. A `receiveBuffer` size pins the socket's buffer, which the kernel otherwise grows as it sees fit.
    static func run<T: Sendable>(port: Int, timeout: Int = 30, receiveBuffer: Int? = nil,
                                 _ body: @escaping @Sendable (RawConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    let connection = try RawConnection(port: port, timeout: timeout, receiveBuffer: receiveBuffer)
                    defer { close(connection.socket) }
                    return try body(connection)
                })
            }.start()
        }
    }

    private init(port: Int, timeout: Int, receiveBuffer: Int?) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw TestFailure("socket: \(errno)") }
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        // Before connecting, so the window offered to the server is this small from the start.
        if var size = receiveBuffer.map(Int32.init) {
            setsockopt(socket, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(socket)
            throw TestFailure("connect: \(errno)")
        }
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let result = bytes[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, 0) }
            guard result > 0 else { throw TestFailure("send: \(errno)") }
            sent += result
        }
    }

    /// The next response; its body is read by `Content-Length` unless `bodyless` (HEAD, 1xx).
    func readResponse(bodyless: Bool = false) throws -> Response {
        let head = try readHead()
        let status = Int(head.split(separator: " ")[1]) ?? 0
        var response = Response(status: status, head: head, body: [])
        if !bodyless, status >= 200 { response.body = try read(Int(response.header("Content-Length") ?? "0") ?? 0) }
        return response
    }

    func read(_ count: Int) throws -> [UInt8] {
        while buffered.count < count { try fill() }
        defer { buffered.removeFirst(count) }
        return Array(buffered.prefix(count))
    }

    /// Everything the server sends until it closes the connection; throws if the read limit passes first.
    func readUntilClosed() throws -> [UInt8] {
        var received = buffered
        buffered = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += chunk[..<count]
                continue
            }
            if count == 0 || errno == ECONNRESET { return received }
            throw TestFailure("the connection stayed open past the read limit (errno \(errno))")
        }
    }

    /// Seconds until the server closes the connection, discarding what it sends; throws if the read limit passes first.
    func secondsUntilClosed() throws -> Double {
        let start = ContinuousClock.now
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let received = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if received > 0 { continue }
            if received == 0 || errno == ECONNRESET {
                let elapsed = ContinuousClock.now - start
                return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            }
            throw TestFailure("the connection stayed open past the read limit (errno \(errno))")
        }
    }

    private func readHead() throws -> String {
        let end = Array("\r\n\r\n".utf8)
        while true {
            if let range = buffered.firstRange(of: end) {
                let head = String(decoding: buffered[..<range.lowerBound], as: UTF8.self)
                buffered.removeSubrange(..<range.upperBound)
                return head
            }
            // A response head is a few hundred bytes; more means the stream is not where the test thinks it is.
            guard buffered.count < 16 << 10 else { throw TestFailure("no end of a response head in \(buffered.count) bytes") }
            try fill()
        }
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 256 << 10)
        let received = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        guard received > 0 else { throw TestFailure("connection closed or timed out (errno \(errno)) after \(buffered.count) buffered bytes") }
        buffered += chunk[..<received]
    }
}
