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
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program.contains("/") ? program : try requiredTool(program, package: program))
    process.arguments = arguments
    if !environment.isEmpty {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    }
    if let directory { process.currentDirectoryURL = directory }
    let outPipe = Pipe(), errPipe = Pipe(), inPipe = Pipe()
    process.standardOutput = outPipe
    process.standardError = errPipe
    process.standardInput = inPipe
    try process.run()
    // Both pipes are read while standard input is written, so neither side blocks on a full pipe.
    let group = DispatchGroup()
    nonisolated(unsafe) var out = Data(), err = Data()
    group.enter()
    DispatchQueue.global().async { out = outPipe.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    group.enter()
    DispatchQueue.global().async { err = errPipe.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    if let stdin { inPipe.fileHandleForWriting.write(stdin) }
    try inPipe.fileHandleForWriting.close()
    process.waitUntilExit()
    group.wait()
    let result = ToolResult(status: process.terminationStatus, stdout: out, stderr: String(decoding: err, as: UTF8.self))
    if check && result.status != 0 {
        throw ToolFailure("\(program) \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
    }
    return result
}

extension ToolResult {
    /// Standard output without the line feed tools end with.
    public var trimmedText: String { text.trimmingCharacters(in: .whitespacesAndNewlines) }
}
