import Foundation

/// What an outside tool printed, and how it exited.
public struct ToolResult: Sendable {
    public let status: Int32
    public let stdout: Data
    public let stderr: String
    public var text: String { String(decoding: stdout, as: UTF8.self) }
}

public struct ToolFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Runs an outside tool (a path, or a name looked up on the `PATH`, failing as `requiredTool` does) with optional
/// standard input, working folder and extra environment. With `check`, a non-zero exit throws with the tool's stderr.
@discardableResult
public func run(
    _ program: String, _ arguments: [String], stdin: Data? = nil, in directory: URL? = nil,
    environment: [String: String] = [:], check: Bool = true
) throws -> ToolResult {
    let executable = program.contains("/") ? program : try requiredTool(program, package: program)
    let input = try ChildPipe(), output = try ChildPipe(), errors = try ChildPipe()
    let child = try ChildProcess(executable, arguments, environment: environment, directory: directory,
                                 standardInput: input.reading, standardOutput: output.writing, standardError: errors.writing)
    for end in [input.reading, output.writing, errors.writing] { close(end) }
    // Both pipes are read while standard input is written, so neither side blocks on a full pipe.
    let group = DispatchGroup()
    nonisolated(unsafe) var out = Data(), err = Data()
    group.enter()
    DispatchQueue.global().async { out = output.readAll(); group.leave() }
    group.enter()
    DispatchQueue.global().async { err = errors.readAll(); group.leave() }
    input.writeAll(stdin ?? Data())
    let termination = child.waitUntilExit()
    group.wait()
    let status = termination.signaled ? 128 + termination.status : termination.status
    let result = ToolResult(status: status, stdout: out, stderr: String(decoding: err, as: UTF8.self))
    if check && result.status != 0 {
        throw ToolFailure("\(program) \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
    }
    return result
}

extension ToolResult {
    /// Standard output without the line feed tools end with.
    public var trimmedText: String { text.trimmingCharacters(in: .whitespacesAndNewlines) }
}
