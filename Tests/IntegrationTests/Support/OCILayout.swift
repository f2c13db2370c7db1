import Crypto
import Foundation

// MARK: - Digests and descriptors

enum MediaType {
    static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    static let ociIndex = "application/vnd.oci.image.index.v1+json"
    static let ociConfig = "application/vnd.oci.image.config.v1+json"
    static let ociLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip"
    static let ociLayerTar = "application/vnd.oci.image.layer.v1.tar"
    static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    static let dockerConfig = "application/vnd.docker.container.image.v1+json"
    static let dockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip"

    static let manifestTypes: Set<String> = [ociManifest, ociIndex, dockerManifest, dockerManifestList]
    static let indexTypes: Set<String> = [ociIndex, dockerManifestList]
}

func sha256Digest<D: DataProtocol>(_ data: D) -> String {
    "sha256:" + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
}

struct Platform: Codable, Hashable, Sendable {
    var architecture: String
    var os: String
    var variant: String?
}

struct Descriptor: Codable, Hashable, Sendable {
    var mediaType: String
    var digest: String
    var size: Int
    var platform: Platform?
    var annotations: [String: String]?

    init(mediaType: String, digest: String, size: Int, platform: Platform? = nil,
         annotations: [String: String]? = nil) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.platform = platform
        self.annotations = annotations
    }

    init(mediaType: String, data: Data, platform: Platform? = nil) {
        self.init(mediaType: mediaType, digest: sha256Digest(data), size: data.count, platform: platform)
    }

    /// The hex part of `sha256:HEX`.
    var hex: String { String(digest.split(separator: ":").last ?? "") }
}

/// Canonical-enough JSON: sorted keys, no escaped slashes, so the bytes we write are the bytes we hash.
func encodeJSON<T: Encodable>(_ value: T) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(value)
}

// MARK: - Image JSON documents

struct ImageConfig: Codable, Sendable {
    struct RootFS: Codable, Sendable {
        var type = "layers"
        var diff_ids: [String]
    }
    struct Config: Codable, Sendable {
        var Env: [String]?
        var Cmd: [String]?
        var WorkingDir: String?
        var Labels: [String: String]?
    }
    struct History: Codable, Sendable {
        var created: String
        var created_by: String
    }
    var created: String
    var architecture: String
    var os: String
    var variant: String?
    var config: Config
    var rootfs: RootFS
    var history: [History]
}

struct ImageManifest: Codable, Sendable {
    var schemaVersion = 2
    var mediaType: String
    var config: Descriptor
    var layers: [Descriptor]
    var subject: Descriptor?
    var annotations: [String: String]?
}

struct ImageIndex: Codable, Sendable {
    var schemaVersion = 2
    var mediaType: String?
    var manifests: [Descriptor]
    var annotations: [String: String]?
}

// MARK: - Layer construction

struct Layer: Sendable {
    /// The uncompressed tar stream; its digest is the layer's diff_id.
    let tar: Data
    /// `gzip -n` of `tar`; its digest is the layer's descriptor digest.
    let gzip: Data

    var diffID: String { sha256Digest(tar) }
    var descriptor: Descriptor { Descriptor(mediaType: MediaType.ociLayerGzip, data: gzip) }

    /// Writes `files` (relative path → contents) into a scratch directory, archives it with `tar` and
    /// compresses it with `gzip -n`. Timestamps and owners are pinned so the tar is reproducible.
    static func make(files: [String: Data], scratch: URL) async throws -> Layer {
        let work = scratch.appendingPathComponent("layer-\(UUID().uuidString.prefix(8))")
        let root = work.appendingPathComponent("rootfs")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        for (path, contents) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            try contents.write(to: url)
        }
        let tarURL = work.appendingPathComponent("layer.tar")
        let tarResult = try await runTool("tar", [
            "--create", "--file", tarURL.path, "--directory", root.path,
            "--sort=name", "--format=ustar", "--owner=0", "--group=0", "--numeric-owner",
            "--mtime=@0", ".",
        ])
        guard tarResult.succeeded else { throw LayoutError("tar failed:\n\(tarResult.summary)") }
        let gzResult = try await runTool("gzip", ["-n", "-6", "--keep", tarURL.path])
        guard gzResult.succeeded else { throw LayoutError("gzip failed:\n\(gzResult.summary)") }
        let tar = try Data(contentsOf: tarURL)
        let gzip = try Data(contentsOf: work.appendingPathComponent("layer.tar.gz"))
        return Layer(tar: tar, gzip: gzip)
    }
}

struct LayoutError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Random bytes (not cryptographically strong; just distinct between runs).
func randomData(count: Int) -> Data {
    var generator = SystemRandomNumberGenerator()
    return randomData(count: count, using: &generator)
}

// MARK: - OCI image layout (directory) writer

/// An image written into a layout: the manifest and everything it references.
struct BuiltImage: Sendable {
    let manifest: Descriptor
    let manifestBytes: Data
    let config: Descriptor
    let configBytes: Data
    let layers: [Descriptor]
    let diffIDs: [String]
}

/// A multi-platform image: an index and one image per platform.
struct BuiltIndex: Sendable {
    let index: Descriptor
    let indexBytes: Data
    let images: [BuiltImage]
}

/// Writes an OCI image layout directory (`oci-layout`, `index.json`, `blobs/sha256/…`).
final class OCILayoutWriter {
    let root: URL
    private var tagged: [Descriptor] = []

    init(root: URL) throws {
        self.root = root
        try FileManager.default.createDirectory(at: root.appendingPathComponent("blobs/sha256"),
                                                withIntermediateDirectories: true)
        try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: root.appendingPathComponent("oci-layout"))
    }

    @discardableResult
    func writeBlob(_ data: Data) throws -> String {
        let digest = sha256Digest(data)
        let hex = String(digest.dropFirst("sha256:".count))
        try data.write(to: root.appendingPathComponent("blobs/sha256/\(hex)"))
        return digest
    }

    /// Builds an image whose layers contain `layerFiles[i]` and writes all of its blobs.
    func addImage(
        layerFiles: [[String: Data]],
        platform: Platform = Platform(architecture: "amd64", os: "linux"),
        labels: [String: String] = [:],
        scratch: URL
    ) async throws -> BuiltImage {
        var layers: [Layer] = []
        for files in layerFiles {
            layers.append(try await Layer.make(files: files, scratch: scratch))
        }
        let config = ImageConfig(
            created: "2024-01-01T00:00:00Z",
            architecture: platform.architecture,
            os: platform.os,
            variant: platform.variant,
            config: .init(Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                          Cmd: ["/bin/sh"], WorkingDir: "/", Labels: labels.isEmpty ? nil : labels),
            rootfs: .init(diff_ids: layers.map(\.diffID)),
            history: layers.enumerated().map { i, _ in
                .init(created: "2024-01-01T00:00:00Z", created_by: "berth integration test layer \(i)")
            })
        let configBytes = try encodeJSON(config)
        let configDescriptor = Descriptor(mediaType: MediaType.ociConfig, data: configBytes)
        try writeBlob(configBytes)
        for layer in layers { try writeBlob(layer.gzip) }
        let manifest = ImageManifest(mediaType: MediaType.ociManifest, config: configDescriptor,
                                     layers: layers.map(\.descriptor))
        let manifestBytes = try encodeJSON(manifest)
        try writeBlob(manifestBytes)
        return BuiltImage(
            manifest: Descriptor(mediaType: MediaType.ociManifest, data: manifestBytes, platform: platform),
            manifestBytes: manifestBytes,
            config: configDescriptor,
            configBytes: configBytes,
            layers: layers.map(\.descriptor),
            diffIDs: layers.map(\.diffID))
    }

    /// Writes an OCI image index over `images` (whose manifest descriptors carry their platform).
    func addIndex(images: [BuiltImage]) throws -> BuiltIndex {
        let index = ImageIndex(mediaType: MediaType.ociIndex, manifests: images.map(\.manifest))
        let bytes = try encodeJSON(index)
        try writeBlob(bytes)
        return BuiltIndex(index: Descriptor(mediaType: MediaType.ociIndex, data: bytes), indexBytes: bytes,
                          images: images)
    }

    /// Records `descriptor` in `index.json` under `org.opencontainers.image.ref.name = tag` and rewrites it.
    func tag(_ descriptor: Descriptor, as tag: String) throws {
        var entry = descriptor
        entry.platform = nil
        entry.annotations = ["org.opencontainers.image.ref.name": tag]
        tagged.append(entry)
        let index = ImageIndex(mediaType: MediaType.ociIndex, manifests: tagged)
        try encodeJSON(index).write(to: root.appendingPathComponent("index.json"))
    }
}

// MARK: - OCI image layout reader (for checking what skopeo wrote)

struct OCILayoutReader {
    let root: URL

    func blob(_ digest: String) throws -> Data {
        let parts = digest.split(separator: ":", maxSplits: 1)
        guard parts.count == 2 else { throw LayoutError("malformed digest \(digest)") }
        return try Data(contentsOf: root.appendingPathComponent("blobs/\(parts[0])/\(parts[1])"))
    }

    /// The `index.json` entries.
    func entries() throws -> [Descriptor] {
        let data = try Data(contentsOf: root.appendingPathComponent("index.json"))
        return try JSONDecoder().decode(ImageIndex.self, from: data).manifests
    }

    /// The descriptor tagged `tag` in `index.json`.
    func descriptor(tag: String) throws -> Descriptor {
        let all = try entries()
        guard let found = all.first(where: { $0.annotations?["org.opencontainers.image.ref.name"] == tag }) else {
            throw LayoutError("no entry tagged \(tag) in \(root.path)/index.json: \(all)")
        }
        return found
    }

    /// All digests reachable from `root` (manifests, indexes, configs, layers), each verified to hash to its
    /// name and to have the size its descriptor claims.
    func reachableBlobs(from start: Descriptor) throws -> [String: Descriptor] {
        var seen: [String: Descriptor] = [:]
        var queue = [start]
        while let next = queue.popLast() {
            if seen[next.digest] != nil { continue }
            let data = try blob(next.digest)
            guard sha256Digest(data) == next.digest else {
                throw LayoutError("blob \(next.digest) in \(root.path) hashes to \(sha256Digest(data))")
            }
            guard data.count == next.size else {
                throw LayoutError("blob \(next.digest) in \(root.path) has \(data.count) bytes, descriptor says \(next.size)")
            }
            seen[next.digest] = next
            if MediaType.indexTypes.contains(next.mediaType) {
                queue.append(contentsOf: try JSONDecoder().decode(ImageIndex.self, from: data).manifests)
            } else if MediaType.manifestTypes.contains(next.mediaType) {
                let manifest = try JSONDecoder().decode(ImageManifest.self, from: data)
                queue.append(manifest.config)
                queue.append(contentsOf: manifest.layers)
            }
        }
        return seen
    }
}
