import Foundation

/// The forms `Tests/ContentAnalysisTests/Fixtures/images.py` writes an image fixture in.
public enum ImageFixtureForm: String, Sendable {
    /// An OCI image layout folder, tagged "latest".
    case oci
    /// A `docker save` tar file.
    case dockerArchive = "docker-archive"
}

/// One layer blob images.py wrote: its media type (matching its compression, or the fixture's override), digest and size.
public struct LayerFixture: Decodable, Sendable {
    public var mediaType: String
    public var digest: String
    public var size: Int64
}

/// images.py: layers and images built with Python's tarfile and gzip and the zstd CLI, never with Berth's own code.
public let imageFixtureScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("ContentAnalysisTests/Fixtures/images.py")

/// Writes image fixture `name` (`clean`, `secrets`, `deleted-secret`, `look-alikes`, `zstd`, `gzip-bomb`,
/// `truncated-gzip`, `unknown-media-type`, `symlink-loop`, `long-path`, `many-files`, `shared-base-a`, `shared-base-b`)
/// at `url`, in `form`.
public func buildImageFixture(_ name: String, as form: ImageFixtureForm, at url: URL) throws {
    try runImageFixtures([form.rawValue, name, url.path])
}

/// Writes layer `index` (from 0) of fixture `name` to the file `url`.
@discardableResult
public func buildLayerFixture(_ name: String, index: Int = 0, at url: URL) throws -> LayerFixture {
    let output = try runImageFixtures(["layer", name, url.path, String(index)])
    return try JSONDecoder().decode(LayerFixture.self, from: output.stdout)
}

/// The secrets the fixtures plant, by name (`aws_access_key_id`, `rsa_private_key`, `github_token`, …). They are in no
/// committed file but images.py, so a test can look for them in anything Berth wrote.
public func plantedSecrets() throws -> [String: String] {
    try JSONDecoder().decode([String: String].self, from: runImageFixtures(["secret-values"]).stdout)
}

@discardableResult
private func runImageFixtures(_ arguments: [String]) throws -> ToolResult {
    // The zstd fixture pipes through the CLI; finding it first makes a missing tool fail with what to install.
    _ = try requiredTool("zstd", package: "zstd")
    return try run(try python3(with: "tarfile"), [imageFixtureScript.path] + arguments)
}
