import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The outcome of a finished child process.
struct CommandResult: Sendable, CustomStringConvertible {
    let command: [String]
    /// Exit status, or the signal number when `signaled` is true.
    let status: Int32
    let signaled: Bool
    let stdout: Data
    let stderr: Data
    let duration: Duration

    var succeeded: Bool { !signaled && status == 0 }
    /// Short form, used when an expectation prints the value; `summary` has the output.
    var description: String {
        "`\(command.map(shellQuote).joined(separator: " "))` " + (signaled ? "killed by signal \(status)" : "exited \(status)")
    }
    var stdoutString: String { String(decoding: stdout, as: UTF8.self) }
    var stderrString: String { String(decoding: stderr, as: UTF8.self) }

    /// A human-readable summary for failure messages: the command line, the exit status and both output tails.
    var summary: String {
        var text = "$ \(command.map(shellQuote).joined(separator: " "))\n"
        text += signaled ? "killed by signal \(status)" : "exit status \(status)"
        text += " after \(duration)\n"
        let out = tail(stdoutString, maxLines: 40)
        let err = tail(stderrString, maxLines: 60)
        if !out.isEmpty { text += "--- stdout (tail) ---\n\(out)\n" }
        if !err.isEmpty { text += "--- stderr (tail) ---\n\(err)\n" }
        return text
    }
}

struct CommandTimedOut: Error, CustomStringConvertible {
    let partial: CommandResult
    let timeout: Duration
    var description: String { "command timed out after \(timeout):\n\(partial.summary)" }
}

/// `kill(2)`, named so that it cannot clash with methods called `kill`.
func sendSignal(_ signal: Int32, to pid: Int32) {
    _ = kill(pid, signal)
}

func shellQuote(_ s: String) -> String {
    if !s.isEmpty, s.allSatisfy({ $0.isLetter || $0.isNumber || "-_./:=@,+%".contains($0) }) { return s }
    return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

func tail(_ text: String, maxLines: Int) -> String {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    var kept = lines.suffix(maxLines).joined(separator: "\n")
    if lines.count > maxLines { kept = "[… \(lines.count - maxLines) earlier lines …]\n" + kept }
    while kept.hasSuffix("\n") { kept.removeLast() }
    return kept
}

/// Output of a child goes to files rather than pipes: no reader threads, no EOF that never comes because a
/// concurrently spawned child inherited a pipe end, and the files can be kept for inspection.
struct OutputFiles: Sendable {
    let stdout: URL
    let stderr: URL

    init(directory: URL, name: String) throws {
        stdout = directory.appendingPathComponent("\(name).stdout")
        stderr = directory.appendingPathComponent("\(name).stderr")
        for url in [stdout, stderr] {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
            }
        }
    }

    func readStdout() -> Data { (try? Data(contentsOf: stdout)) ?? Data() }
    func readStderr() -> Data { (try? Data(contentsOf: stderr)) ?? Data() }

    func remove() {
        try? FileManager.default.removeItem(at: stdout)
        try? FileManager.default.removeItem(at: stderr)
    }
}

/// Launches `executable` with stdout/stderr redirected to `files` and stdin from /dev/null.
func launch(
    _ executable: URL,
    _ arguments: [String],
    files: OutputFiles,
    environment: [String: String]? = nil,
    currentDirectory: URL? = nil
) throws -> ChildProcess {
    let out = try FileHandle(forWritingTo: files.stdout)
    let err = try FileHandle(forWritingTo: files.stderr)
    defer {
        try? out.close()
        try? err.close()
    }
    return try ChildProcess(executable.path, arguments, environment: environment ?? [:], directory: currentDirectory,
                            standardOutput: out.fileDescriptor, standardError: err.fileDescriptor)
}

/// Polls until `process` has exited or `timeout` passes; returns false on timeout. Never blocks a thread of the
/// cooperative pool (there are only two on this machine).
func waitForProcessExit(of process: ChildProcess, timeout: Duration) async -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while process.isRunning {
        if clock.now >= deadline { return false }
        // Cancelled, a sleep throws at once: answer now rather than spin until the deadline.
        do { try await Task.sleep(for: .milliseconds(10)) } catch { return !process.isRunning }
    }
    return true
}

/// Runs a command to completion and captures its output. Throws `CommandTimedOut` (after killing the child)
/// when it takes longer than `timeout`; a non-zero exit is *not* an error — check `succeeded`.
func runCommand(
    _ executable: URL,
    _ arguments: [String],
    environment: [String: String]? = nil,
    currentDirectory: URL? = nil,
    timeout: Duration = .seconds(120)
) async throws -> CommandResult {
    let scratch = FileManager.default.temporaryDirectory
    let files = try OutputFiles(directory: scratch, name: "berth-it-cmd-\(UUID().uuidString)")
    defer { files.remove() }
    let command = [executable.path] + arguments
    let start = ContinuousClock.now
    let process = try launch(executable, arguments, files: files, environment: environment,
                             currentDirectory: currentDirectory)
    let exited = await waitForProcessExit(of: process, timeout: timeout)
    if !exited {
        sendSignal(SIGKILL, to: process.processIdentifier)
        _ = await waitForProcessExit(of: process, timeout: .seconds(10))
        throw CommandTimedOut(
            partial: CommandResult(command: command, status: SIGKILL, signaled: true, stdout: files.readStdout(),
                                   stderr: files.readStderr(), duration: ContinuousClock.now - start),
            timeout: timeout)
    }
    let termination = process.waitUntilExit()
    return CommandResult(
        command: command,
        status: termination.status,
        signaled: termination.signaled,
        stdout: files.readStdout(),
        stderr: files.readStderr(),
        duration: ContinuousClock.now - start)
}

/// Convenience for tools found on PATH.
func runTool(
    _ name: String,
    _ arguments: [String],
    currentDirectory: URL? = nil,
    timeout: Duration = .seconds(120)
) async throws -> CommandResult {
    let executable = URL(fileURLWithPath: try requiredTool(name, package: name))
    return try await runCommand(executable, arguments, currentDirectory: currentDirectory, timeout: timeout)
}
