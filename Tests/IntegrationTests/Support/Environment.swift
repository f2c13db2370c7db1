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
}
