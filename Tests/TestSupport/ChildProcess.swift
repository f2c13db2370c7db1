import CSystemCalls
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process started with `berth_spawn` (posix_spawn). The tests spawn every outside tool through this instead of
/// Foundation's `Process`, whose `run()` crashes a process holding many descriptors, as the tests do when many servers
/// run in parallel (see `berth_spawn`).
///
/// The child gets standard input, output and error from the given descriptors (or /dev/null) and no other descriptor
/// of the test process, so a concurrently spawned child never holds another's pipe open.
public final class ChildProcess: Sendable {
    public let processIdentifier: pid_t
    private let termination = Mutex<Termination?>(nil)

    /// How a child ended: its exit status, or the signal that killed it.
    public struct Termination: Sendable, Equatable, CustomStringConvertible {
        public let status: Int32
        public let signaled: Bool
        public var description: String { signaled ? "signal \(status)" : "exit \(status)" }
    }

    /// Starts `executable` (a path) with `arguments`. `environment` entries are added to this process's environment.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], directory: URL? = nil,
        standardInput: Int32? = nil, standardOutput: Int32? = nil, standardError: Int32? = nil
    ) throws {
        let merged = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: Int32 = 0
        let status = berth_spawn(&pid, executable, argv, envp, directory?.path,
                                 standardInput ?? -1, standardOutput ?? -1, standardError ?? -1)
        guard status == 0 else {
            throw ToolFailure("cannot start \(executable): \(String(cString: strerror(status)))")
        }
        processIdentifier = pid
    }

    /// Nil while the child runs; reaps it once it has exited.
    public var exited: Termination? {
        termination.withLock { known in
            if known == nil { known = Self.reap(processIdentifier, options: WNOHANG) }
            return known
        }
    }

    public var isRunning: Bool { exited == nil }

    /// Blocks the calling thread until the child exits.
    @discardableResult
    public func waitUntilExit() -> Termination {
        termination.withLock { known in
            while known == nil { known = Self.reap(processIdentifier, options: 0) }
            return known!
        }
    }

    private static func reap(_ pid: pid_t, options: Int32) -> Termination? {
        var status: Int32 = 0
        let result = waitpid(pid, &status, options)
        if result == 0 { return nil }
        if result < 0 {
            // EINTR: try again later; ECHILD cannot happen for a child only this object reaps.
            return errno == EINTR ? nil : Termination(status: -1, signaled: false)
        }
        let signal = status & 0x7f
        return signal == 0 ? Termination(status: (status >> 8) & 0xff, signaled: false) : Termination(status: signal, signaled: true)
    }
}

/// A pipe whose ends are closed on exec, so only the child that gets one end by `dup2` holds it.
public struct ChildPipe: Sendable {
    public let reading: Int32
    public let writing: Int32

    public init() throws {
        var ends: [Int32] = [0, 0]
        guard berth_pipe(&ends) == 0 else { throw ToolFailure("cannot create a pipe: \(String(cString: strerror(errno)))") }
        reading = ends[0]
        writing = ends[1]
    }

    /// Reads the reading end to its end of file, then closes it.
    public func readAll() -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(reading, $0.baseAddress, $0.count) }
            if count > 0 {
                data.append(contentsOf: buffer[0..<count])
            } else if count < 0, errno == EINTR {
                continue
            } else {
                break
            }
        }
        close(reading)
        return data
    }

    /// Writes all of `data` to the writing end, then closes it. A child that exits without reading all of it ends
    /// the write early, with `EPIPE` rather than a `SIGPIPE` that would kill the tests.
    public func writeAll(_ data: Data) {
        _ = Self.ignoreBrokenPipes
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < bytes.count {
                let written = write(writing, bytes.baseAddress! + offset, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    break
                }
            }
        }
        close(writing)
    }

    private static let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()
}
