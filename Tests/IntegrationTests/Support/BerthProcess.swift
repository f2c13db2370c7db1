import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct BerthLaunchError: Error, CustomStringConvertible {
    let description: String
}

/// A running `berth serve` child process.
///
/// Its stdout and stderr go to files in the log directory; `start` polls stdout for the
/// `listening on http://127.0.0.1:PORT` line. The process is killed (SIGKILL) when this object is
/// deinitialised while the child still runs, so a failing test never leaves a server behind; prefer the
/// scoped `withBerth` helper, which also stops it.
final class BerthProcess: @unchecked Sendable {
    let process: ChildProcess
    let dataDirectory: URL
    let baseURL: URL
    let port: Int
    let files: OutputFiles
    let arguments: [String]

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    /// HTTP Basic for the bootstrap administrator: the password from `--admin-password-file`, else the tests' default.
    var adminAuthorization: String {
        guard let index = arguments.firstIndex(of: "--admin-password-file"), index + 1 < arguments.count,
              let secret = try? String(contentsOfFile: arguments[index + 1], encoding: .utf8) else { return TestEnvironment.adminAuthorization }
        let password = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        return "Basic " + Data("admin:\(password)".utf8).base64EncodedString()
    }
    /// `127.0.0.1:PORT`, the registry host as clients name it.
    var host: String { "127.0.0.1:\(port)" }

    private init(process: ChildProcess, dataDirectory: URL, baseURL: URL, port: Int, files: OutputFiles,
                 arguments: [String]) {
        self.process = process
        self.dataDirectory = dataDirectory
        self.baseURL = baseURL
        self.port = port
        self.files = files
        self.arguments = arguments
    }

    /// Launches `berth serve --listen 127.0.0.1:0 --data DATA` and waits for its listening line.
    ///
    /// - Parameters:
    ///   - dataDirectory: the registry's data directory (created if needed).
    ///   - logDirectory: where `berth-N.stdout` / `berth-N.stderr` are written; defaults to the data directory's parent.
    static func start(
        dataDirectory: URL,
        logDirectory: URL? = nil,
        extraArguments: [String] = [],
        bootstrapAdministrator: Bool = true,
        startupTimeout: Duration = .seconds(30)
    ) async throws -> BerthProcess {
        let binary = TestEnvironment.berthBinary
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw BerthLaunchError(description: """
                berth binary not found at \(binary.path); build it with `swift build --product berth` \
                (or `swift build --build-tests`), or set BERTH_BINARY
                """)
        }
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        let logs = logDirectory ?? dataDirectory.deletingLastPathComponent()
        let files = try OutputFiles(directory: logs, name: "berth-\(UUID().uuidString.prefix(8))")
        // BERTH_SERVE_ARGS (space-separated) adds arguments to every server, e.g. `--log-level debug`.
        let fromEnvironment = (ProcessInfo.processInfo.environment["BERTH_SERVE_ARGS"] ?? "")
            .split(separator: " ").map(String.init)
        let arguments = ["serve", "--listen", "127.0.0.1:0", "--data", dataDirectory.path]
            + fromEnvironment + extraArguments
        // Every server has a bootstrap administrator the tests log in as, unless a test brings its own secret.
        let environment = arguments.contains("--admin-password-file")
            ? nil : ["BERTH_ADMIN_PASSWORD": bootstrapAdministrator ? TestEnvironment.adminPassword : ""]
        let process = try launch(binary, arguments, files: files, environment: environment)

        let clock = ContinuousClock()
        let deadline = clock.now + startupTimeout
        while true {
            let stdout = String(decoding: files.readStdout(), as: UTF8.self)
            if let url = parseListeningLine(stdout) {
                guard let port = url.port else {
                    sendSignal(SIGKILL, to: process.processIdentifier)
                    throw BerthLaunchError(description: "listening line without a port: \(stdout)")
                }
                return BerthProcess(process: process, dataDirectory: dataDirectory, baseURL: url, port: port,
                                    files: files, arguments: arguments)
            }
            if let ended = process.exited {
                let status = ended.description
                throw BerthLaunchError(description: """
                    berth serve exited (\(status)) before printing its listening line
                    $ \(([binary.path] + arguments).map(shellQuote).joined(separator: " "))
                    --- stdout ---
                    \(tail(stdout, maxLines: 40))
                    --- stderr ---
                    \(tail(String(decoding: files.readStderr(), as: UTF8.self), maxLines: 60))
                    """)
            }
            if clock.now >= deadline {
                sendSignal(SIGKILL, to: process.processIdentifier)
                _ = await waitForProcessExit(of: process, timeout: .seconds(5))
                throw BerthLaunchError(description: """
                    berth serve printed no listening line within \(startupTimeout)
                    --- stdout ---
                    \(tail(stdout, maxLines: 40))
                    --- stderr ---
                    \(tail(String(decoding: files.readStderr(), as: UTF8.self), maxLines: 60))
                    """)
            }
            do {
                try await Task.sleep(for: .milliseconds(20))
            } catch {
                // Cancelled: a sleep that throws at once would make this loop spin until the deadline.
                sendSignal(SIGKILL, to: process.processIdentifier)
                throw error
            }
        }
    }

    /// Extracts the URL from the first `listening on http://HOST:PORT` line, or from the record in its place with
    /// `--log-format json`, whose message is that text.
    static func parseListeningLine(_ output: String) -> URL? {
        for line in output.split(separator: "\n") {
            var trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.hasPrefix("{"), let record = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any],
               let message = record["message"] as? String {
                trimmed = message
            }
            let prefix = "listening on "
            guard trimmed.hasPrefix(prefix) else { continue }
            let rest = String(trimmed.dropFirst(prefix.count))
            guard let url = URL(string: rest), url.scheme == "http", url.host != nil else { continue }
            return url
        }
        return nil
    }

    /// Sends `signal` (SIGKILL, SIGTERM, …) to the server.
    func kill(signal: Int32) {
        guard process.isRunning else { return }
        sendSignal(signal, to: process.processIdentifier)
    }

    /// Waits for the server to exit; returns its termination, or nil on timeout.
    @discardableResult
    func waitForExit(timeout: Duration = .seconds(15)) async -> Termination? {
        guard await waitForProcessExit(of: process, timeout: timeout) else { return nil }
        return process.exited
    }

    /// SIGTERM, then SIGKILL if it has not exited within `grace`. Returns how it ended.
    @discardableResult
    func stop(grace: Duration = .seconds(10)) async -> Termination? {
        if let ended = process.exited { return ended }
        kill(signal: SIGTERM)
        if let termination = await waitForExit(timeout: grace) { return termination }
        kill(signal: SIGKILL)
        return await waitForExit(timeout: .seconds(10))
    }

    var stdout: String { String(decoding: files.readStdout(), as: UTF8.self) }
    var stderr: String { String(decoding: files.readStderr(), as: UTF8.self) }

    /// The last lines of the server's stderr (and stdout beyond the listening line), for failure messages.
    func logTail(lines: Int = 40) -> String {
        var text = "--- berth serve (pid \(pid), \(host), data \(dataDirectory.path)) stderr tail ---\n"
        text += tail(stderr, maxLines: lines)
        let extraStdout = stdout.split(separator: "\n").dropFirst()
        if !extraStdout.isEmpty {
            text += "\n--- stdout after listening line ---\n" + tail(extraStdout.joined(separator: "\n"), maxLines: 10)
        }
        return text
    }

    typealias Termination = ChildProcess.Termination

    deinit {
        if process.isRunning {
            sendSignal(SIGKILL, to: process.processIdentifier)
            process.waitUntilExit()
        }
    }
}

/// Starts a server on `dataDirectory`, runs `body`, and always stops the server afterwards (SIGTERM, then SIGKILL).
/// When `body` throws, the server's log tail is attached to the test as a comment-bearing issue.
@discardableResult
func withBerth<T>(
    dataDirectory: URL,
    logDirectory: URL? = nil,
    _ body: (BerthProcess) async throws -> T
) async throws -> T {
    let server = try await BerthProcess.start(dataDirectory: dataDirectory, logDirectory: logDirectory)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        Issue.record("server log for the failure below:\n\(server.logTail())")
        throw error
    }
}

/// Runs `berth fsck --data DIR` (the server must be stopped) and returns the result.
func runFsck(dataDirectory: URL, timeout: Duration = .seconds(120)) async throws -> CommandResult {
    try await runCommand(TestEnvironment.berthBinary, ["fsck", "--data", dataDirectory.path], timeout: timeout)
}
