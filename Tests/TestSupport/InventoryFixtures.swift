import Foundation

/// inventory.py: images that install packages (dpkg, apk, distroless, Python, npm, Go executables), built with
/// Python's tarfile through images.py, never with Berth's own code.
public let inventoryFixtureScript = imageFixtureScript.deletingLastPathComponent().appendingPathComponent("inventory.py")

/// Writes inventory fixture `name` (`debian`, `alpine`, `distroless`, `go`, `python-removed`, `python-opaque`,
/// `dpkg-rewritten`, `inventory-hostile`) at `url` as an OCI image layout tagged "latest".
public func buildInventoryFixture(_ name: String, at url: URL) throws {
    try run(try python3(with: "tarfile"), [inventoryFixtureScript.path, "oci", name, url.path])
}

/// What inventory.py's own reader finds in the Go build information of the executable at `path`: an oracle for a real
/// Go binary, independent of Berth's reader.
public struct GoModulesOracle: Decodable, Sendable {
    public var goVersion: String
    /// [path, version]; nil for a binary built outside module mode.
    public var main: [String]?
    public var dependencies: [[String]]
}

public func goModulesOracle(_ path: String) throws -> GoModulesOracle {
    let output = try run(try python3(with: "tarfile"), [inventoryFixtureScript.path, "go-modules", path])
    return try JSONDecoder().decode(GoModulesOracle.self, from: output.stdout)
}
