import Foundation

/// A fresh folder under the system temporary directory, removed when the value goes away (or on `remove()`), unless
/// `BERTH_KEEP_TEMP` is set, which leaves it for a look after a failure.
public final class TemporaryDirectory: Sendable {
    public let url: URL

    /// `label` names the folder (`berth-LABEL-…`), so a kept one can be told apart.
    public init(_ label: String = "test") throws {
        let safeLabel = String(label.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "-" })
        url = FileManager.default.temporaryDirectory.appendingPathComponent("berth-\(safeLabel)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { remove() }

    public func remove() {
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        if ProcessInfo.processInfo.environment["BERTH_KEEP_TEMP"] != nil {
            print("BERTH_KEEP_TEMP: leaving \(url.path)")
            return
        }
        try? FileManager.default.removeItem(at: url)
    }

    /// A folder inside, created unless `create` is false.
    public func subdirectory(_ name: String, create: Bool = true) throws -> URL {
        let folder = url.appendingPathComponent(name)
        if create { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        return folder
    }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `text` as UTF-8 to `name` and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        try write(name, Data(text.utf8))
    }

    @discardableResult
    public func write(_ name: String, _ data: Data) throws -> String {
        try data.write(to: url.appendingPathComponent(name))
        return path(name)
    }
}

/// Runs `body` with a fresh temporary folder and removes the folder when it returns or throws.
public func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    return try await body(directory.url)
}

/// Runs `body` with a fresh temporary folder named after `label`, removed afterwards.
@discardableResult
public func withTemporaryDirectory<T>(_ label: String, _ body: (TemporaryDirectory) async throws -> T) async throws -> T {
    let directory = try TemporaryDirectory(label)
    defer { directory.remove() }
    return try await body(directory)
}
