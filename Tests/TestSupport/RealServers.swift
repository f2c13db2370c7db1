import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The real servers the scale-out drivers are tested against: a PostgreSQL 15 cluster and a SeaweedFS S3 server, each
/// started once per test process by a script of `Tests/servers/` (which `make deps` equips) and stopped by that script
/// when this process exits, however it exits. A server that cannot start fails the tests that need it; none skips.
public enum RealServers {
    public struct PostgreSQL: Sendable {
        /// `postgres://postgres@127.0.0.1:PORT/postgres`: trusted local connections, no password.
        public let url: String
        public let host: String
        public let port: Int
    }

    public struct S3: Sendable {
        public let endpoint: String
        public let accessKey: String
        public let secretKey: String
        public let region = "us-east-1"
    }

    /// The process's PostgreSQL server, started on first use.
    public static func postgres() async throws -> PostgreSQL {
        let words = try await started(.postgres)
        guard let url = words.first, let components = URLComponents(string: url), let host = components.host, let port = components.port else {
            throw ToolFailure("Tests/servers/postgres.sh printed an unexpected line: \(words)")
        }
        return PostgreSQL(url: url, host: host, port: port)
    }

    /// The process's S3 server, started on first use.
    public static func s3() async throws -> S3 {
        let words = try await started(.seaweedfs)
        guard words.count == 3 else { throw ToolFailure("Tests/servers/seaweedfs.sh printed an unexpected line: \(words)") }
        return S3(endpoint: words[0], accessKey: words[1], secretKey: words[2])
    }

    private enum Kind: String, CaseIterable {
        case postgres
        case seaweedfs
    }

    private static let starts = Mutex<[Kind: Task<[String], any Error>]>([:])

    /// The words after `ready` on the script's first line; one start per kind, shared by every caller.
    private static func started(_ kind: Kind) async throws -> [String] {
        let task = starts.withLock { starts in
            if let task = starts[kind] { return task }
            let task = Task.detached { try start(kind) }
            starts[kind] = task
            return task
        }
        return try await task.value
    }

    private static func start(_ kind: Kind) throws -> [String] {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("servers/\(kind.rawValue).sh").path
        let output = try ChildPipe()
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("berth-\(kind.rawValue)-\(getpid()).log")
        let errorFile = open(errors.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer { close(errorFile) }
        let child = try ChildProcess("/bin/bash", [script, "\(getpid())"], standardOutput: output.writing, standardError: errorFile)
        close(output.writing)
        // The first line; the script keeps running (watching this process) after printing it.
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while read(output.reading, &byte, 1) == 1, byte != UInt8(ascii: "\n") { line.append(byte) }
        close(output.reading)
        let words = String(decoding: line, as: UTF8.self).split(separator: " ").map(String.init)
        guard words.first == "ready" else {
            let termination = child.waitUntilExit()
            let log = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            throw ToolFailure("Tests/servers/\(kind.rawValue).sh did not start (\(termination)): \(log)")
        }
        try? FileManager.default.removeItem(at: errors)
        return Array(words.dropFirst())
    }
}
