import Foundation
import TestSupport
import Testing

/// A scratch directory for running the real key tools and `age`; removed when released.
final class Workspace {
    private let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    func path(_ name: String) -> String { directory.path(name) }

    func read(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }

    func write(_ name: String, _ text: String) throws { try directory.write(name, text) }

    struct Outcome {
        let status: Int32
        let output: [UInt8]
        let stderr: String
        var stdout: String { String(decoding: output, as: UTF8.self) }
    }

    /// Runs `tool` (looked up on PATH) in the workspace.
    @discardableResult
    func run(_ tool: String, _ arguments: [String]) throws -> Outcome {
        let result = try TestSupport.run(tool, arguments, in: directory.url, check: false)
        return Outcome(status: result.status, output: Array(result.stdout), stderr: result.stderr)
    }

    /// Like `run`, but a non-zero exit fails with the tool's stderr.
    @discardableResult
    func mustRun(_ tool: String, _ arguments: [String]) throws -> Outcome {
        let outcome = try run(tool, arguments)
        guard outcome.status == 0 else {
            throw ToolFailure("\(tool) \(arguments.joined(separator: " ")) exited \(outcome.status): \(outcome.stderr)")
        }
        return outcome
    }
}

func randomToken(_ count: Int = 40) -> [UInt8] {
    (0..<count).map { _ in UInt8.random(in: .min ... .max) }
}
