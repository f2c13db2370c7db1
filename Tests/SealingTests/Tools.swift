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

    /// Runs `tool` (looked up on PATH) in the workspace. Output goes through files, not pipes, so a
    /// chatty tool cannot block on a full pipe buffer.
    @discardableResult
    func run(_ tool: String, _ arguments: [String]) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try requiredTool(tool, package: "age, openssh-client and openssl"))
        process.arguments = arguments
        process.currentDirectoryURL = directory.url
        let id = UUID().uuidString
        let outPath = path(".out-\(id)"), errPath = path(".err-\(id)")
        guard FileManager.default.createFile(atPath: outPath, contents: nil),
            FileManager.default.createFile(atPath: errPath, contents: nil),
            let out = FileHandle(forWritingAtPath: outPath), let err = FileHandle(forWritingAtPath: errPath)
        else { throw ToolFailure("cannot create output files in \(directory.url.path)") }
        defer {
            try? out.close()
            try? err.close()
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus,
            output: Array((try? Data(contentsOf: URL(fileURLWithPath: outPath))) ?? Data()),
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
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

struct ToolFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func randomToken(_ count: Int = 40) -> [UInt8] {
    (0..<count).map { _ in UInt8.random(in: .min ... .max) }
}
