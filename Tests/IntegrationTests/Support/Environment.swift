import Foundation

/// Locations and switches shared by the integration tests.
enum TestEnvironment {
    /// The package root, found by walking up from this source file until `Package.swift` appears.
    static let packageRoot: URL = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
                return dir
            }
            dir = dir.deletingLastPathComponent()
        }
        // Fall back to the layout we know: Tests/IntegrationTests/Support/<file>.
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }()

    /// The `berth` binary under test: `$BERTH_BINARY`, else `<package root>/.build/debug/berth`.
    static var berthBinary: URL {
        if let override = ProcessInfo.processInfo.environment["BERTH_BINARY"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return packageRoot.appendingPathComponent(".build/debug/berth")
    }

    /// The bootstrap administrator's password of servers the tests start.
    static let adminPassword = "berth-integration-admin"
    static var adminAuthorization: String { "Basic " + Data("admin:\(adminPassword)".utf8).base64EncodedString() }

    /// When set (to anything), temporary directories (data, server logs, layouts) are left behind for inspection.
    static var keepTemporaryFiles: Bool {
        ProcessInfo.processInfo.environment["BERTH_KEEP_TEMP"] != nil
    }

    /// Finds an executable on `PATH`.
    static func which(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) {
                return candidate
            }
        }
        return nil
    }
}

/// A per-test temporary directory, removed by `remove()` unless `BERTH_KEEP_TEMP` is set.
struct TemporaryDirectory: Sendable {
    let url: URL

    init(_ label: String) throws {
        let base = FileManager.default.temporaryDirectory
        let safeLabel = label.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "-" }
        url = base.appendingPathComponent("berth-it-\(String(safeLabel))-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func subdirectory(_ name: String, create: Bool = true) throws -> URL {
        let dir = url.appendingPathComponent(name)
        if create {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }
        return dir
    }

    func remove() {
        if TestEnvironment.keepTemporaryFiles {
            print("BERTH_KEEP_TEMP: leaving \(url.path)")
            return
        }
        try? FileManager.default.removeItem(at: url)
    }
}

/// Runs `body` with a fresh temporary directory that is always removed afterwards.
@discardableResult
func withTemporaryDirectory<T>(
    _ label: String,
    _ body: (TemporaryDirectory) async throws -> T
) async throws -> T {
    let dir = try TemporaryDirectory(label)
    defer { dir.remove() }
    return try await body(dir)
}
