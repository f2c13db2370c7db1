import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
import WireFormats
#endif

/// One blob GET over a plain blocking socket, received into a few reused buffers while a second thread
/// hashes them, so the pull scenario measures the server rather than the client.
///
/// AsyncHTTPClient hands over every read in a newly allocated buffer; on the 2-core machine the
/// benchmark runs on, that capped it at 0.5–0.8 GB/s against either server, while curl into /dev/null
/// read the same blobs at 1.2–3.4 GB/s.
struct SocketBlobPull {
    let url: String
    let authorization: String?

    static let bufferSize = 1 << 20
    static let bufferCount = 4

    /// Pulls the blob and returns its length and SHA-256 digest (`sha256:<hex>`); a status other than 200 is an error.
    func run() async throws -> (bytes: Int64, digest: String) {
        let target = try Target(url)
        let request = requestHead(target)
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try Self.receive(target, request: request) })
            }
        }
    }

    private struct Target {
        let host: String
        let port: String
        let path: String

        init(_ url: String) throws {
            guard let components = URLComponents(string: url), components.scheme == "http", let host = components.host else {
                throw BenchError("the socket pull speaks plain http only: \(url)")
            }
            self.host = host
            port = String(components.port ?? 80)
            path = components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        }
    }

    private func requestHead(_ target: Target) -> [UInt8] {
        var head = "GET \(target.path) HTTP/1.1\r\nHost: \(target.host):\(target.port)\r\nConnection: close\r\n"
        if let authorization { head += "Authorization: \(authorization)\r\n" }
        return Array((head + "\r\n").utf8)
    }

    private static func receive(_ target: Target, request: [UInt8]) throws -> (bytes: Int64, digest: String) {
        let socket = try connect(target)
        defer { close(socket) }
        try request.withUnsafeBytes { bytes in
            var sent = 0
            while sent < bytes.count {
                let result = send(socket, bytes.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
                guard result > 0 else { throw BenchError("send failed: \(String(cString: strerror(errno)))") }
                sent += result
            }
        }
        let (length, early) = try readHead(socket)
        let ring = BufferRing()
        defer { ring.deallocate() }
        let hashed = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var digest = ""
        Thread.detachNewThread {
            digest = ring.hashUntilEmpty()
            hashed.signal()
        }
        var total: Int64 = 0
        var slot = 0
        var failure: (any Error)?
        var pending = early
        while true {
            ring.free.wait()
            let buffer = ring.buffers[slot]
            var filled = min(pending.count, buffer.count)
            if filled > 0 {
                pending.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: filled) }
                pending = []
            }
            while filled < buffer.count, total + Int64(filled) < length {
                let wanted = Int(min(Int64(buffer.count - filled), length - total - Int64(filled)))
                let result = recv(socket, buffer.baseAddress! + filled, wanted, 0)
                if result > 0 {
                    filled += result
                } else if result < 0, errno == EINTR {
                    continue
                } else {
                    failure = BenchError("the connection ended after \(total + Int64(filled)) of \(length) body bytes")
                    break
                }
            }
            total += Int64(filled)
            ring.counts[slot] = filled
            ring.filled.signal()
            slot = (slot + 1) % Self.bufferCount
            if filled == 0 { break }  // that empty buffer already ends the body for the hasher
            if failure != nil || total >= length {
                ring.free.wait()
                ring.counts[slot] = 0
                ring.filled.signal()
                break
            }
        }
        hashed.wait()
        if let failure { throw failure }
        return (total, digest)
    }

    private static func connect(_ target: Target) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(target.host, target.port, &hints, &list) == 0, let first = list else {
            throw BenchError("cannot resolve \(target.host):\(target.port)")
        }
        defer { freeaddrinfo(list) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry {
            let socket = Glibc.socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            if socket >= 0 {
                if Glibc.connect(socket, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 { return socket }
                close(socket)
            }
            entry = address.pointee.ai_next
        }
        throw BenchError("cannot connect to \(target.host):\(target.port): \(String(cString: strerror(errno)))")
    }

    /// Reads the response head, checks for 200 and a Content-Length. Returns the body length and the body bytes that came with the head.
    private static func readHead(_ socket: Int32) throws -> (Int64, [UInt8]) {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 << 10)
        let terminator: [UInt8] = [13, 10, 13, 10]
        while true {
            let result = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress!, $0.count, 0) }
            if result < 0, errno == EINTR { continue }
            guard result > 0 else { throw BenchError("the connection ended before the response head") }
            received += chunk[0..<result]
            guard let end = received.firstRange(of: terminator) else {
                guard received.count < 64 << 10 else { throw BenchError("response head longer than 64 KiB") }
                continue
            }
            let lines = String(decoding: received[0..<end.lowerBound], as: UTF8.self).split(separator: "\r\n")
            guard let statusLine = lines.first, statusLine.split(separator: " ").dropFirst().first == "200" else {
                throw BenchError("GET -> \(lines.first ?? "no status line") (expected 200)")
            }
            let lengthLine = lines.dropFirst().first { $0.lowercased().hasPrefix("content-length:") }
            guard let lengthLine, let length = Int64(lengthLine.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) else {
                throw BenchError("the blob response has no Content-Length")
            }
            return (length, Array(received[end.upperBound...].prefix(Int(clamping: length))))
        }
    }
}

/// The buffers shared by the receiving and hashing threads; the two semaphores order every access.
private final class BufferRing: @unchecked Sendable {
    let buffers: [UnsafeMutableRawBufferPointer]
    var counts: [Int]
    /// Signalled once per buffer the receiver has filled (a count of 0 ends the body).
    let filled = DispatchSemaphore(value: 0)
    /// Signalled once per buffer the hasher is done with (and once per buffer at the start).
    let free = DispatchSemaphore(value: 0)

    init() {
        buffers = (0..<SocketBlobPull.bufferCount).map { _ in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: SocketBlobPull.bufferSize, alignment: 4096)
            // Touched once here so that page faults are not part of the transfer.
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            return buffer
        }
        counts = Array(repeating: 0, count: SocketBlobPull.bufferCount)
        for _ in buffers { free.signal() }
    }

    func hashUntilEmpty() -> String {
        var hasher = SHA256()
        var slot = 0
        while true {
            filled.wait()
            let count = counts[slot]
            if count == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffers[slot][0..<count]))
            free.signal()
            slot = (slot + 1) % buffers.count
        }
        return "sha256:" + Hex.string(hasher.finalize())
    }

    func deallocate() {
        for buffer in buffers { buffer.deallocate() }
    }
}
