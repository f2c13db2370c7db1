import Foundation

/// A python3 that can import `module`, found where Debian, a local install or pyenv put one; throws `MissingTool`
/// naming the Debian package otherwise, as `requiredTool` does: tests never skip for a missing tool.
public func python3(with module: String) throws -> String {
    let candidates = ["/usr/bin/python3", "/usr/local/bin/python3", NSHomeDirectory() + "/.pyenv/shims/python3"]
    guard let found = candidates.first(where: {
        FileManager.default.isExecutableFile(atPath: $0) && (try? run($0, ["-c", "import \(module)"])) != nil
    }) else {
        throw MissingTool(description: "no python3 with the \(module) module; install python3-\(module) (make test does)")
    }
    return found
}
