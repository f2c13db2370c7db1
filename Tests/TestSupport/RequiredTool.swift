import Foundation

/// The test policy for outside tools: a test that needs one finds it on the `PATH` or fails with what to install.
/// It never skips; `make test` installs every tool a test uses.
public func requiredTool(_ name: String, package: String) throws -> String {
    let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for directory in searchPath.split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    throw MissingTool(description: "required tool '\(name)' is not on PATH; install \(package) (make test does): tests never skip for a missing tool")
}

public struct MissingTool: Error, CustomStringConvertible {
    public let description: String

    public init(description: String) { self.description = description }
}
