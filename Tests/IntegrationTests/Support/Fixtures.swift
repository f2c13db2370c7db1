import Foundation
import TestSupport
import Testing

/// Ready-made OCI layouts for the skopeo tests.
enum Fixtures {
    /// A two-layer linux/amd64 image tagged `tag`. The second layer holds `largeFileBytes` of incompressible data
    /// (so the blob is large enough to stream in several reads).
    static func singleArch(
        in tmp: TemporaryDirectory,
        name: String = "layout",
        tag: String = "v1",
        largeFileBytes: Int = 256 << 10,
        label: String = "single"
    ) async throws -> (layout: URL, image: BuiltImage) {
        let root = tmp.url.appendingPathComponent(name)
        let writer = try OCILayoutWriter(root: root)
        let image = try await writer.addImage(
            layerFiles: [
                [
                    "etc/os-release": Data("NAME=berth-test\nID=berth\n".utf8),
                    "etc/hello.txt": Data("hello from \(label) \(UUID().uuidString)\n".utf8),
                    "usr/share/doc/readme": Data(String(repeating: "compressible text line\n", count: 400).utf8),
                ],
                [
                    "opt/app/payload.bin": randomData(count: largeFileBytes),
                    "opt/app/VERSION": Data("1.0.0\n".utf8),
                ],
            ],
            labels: ["org.opencontainers.image.title": label],
            scratch: tmp.url)
        try writer.tag(image.manifest, as: tag)
        return (root, image)
    }

    /// An OCI image index over linux/amd64 and linux/arm64/v8 images tagged `tag`. Both images share their
    /// first (base) layer, so the registry sees the same blob referenced from two manifests.
    static func multiArch(
        in tmp: TemporaryDirectory,
        name: String = "multi-layout",
        tag: String = "multi"
    ) async throws -> (layout: URL, index: BuiltIndex) {
        let root = tmp.url.appendingPathComponent(name)
        let writer = try OCILayoutWriter(root: root)
        let base: [String: Data] = [
            "etc/os-release": Data("NAME=berth-base\n".utf8),
            "etc/base-id": Data(UUID().uuidString.utf8),
        ]
        var images: [BuiltImage] = []
        for platform in [Platform(architecture: "amd64", os: "linux"),
                         Platform(architecture: "arm64", os: "linux", variant: "v8")] {
            images.append(try await writer.addImage(
                layerFiles: [
                    base,
                    ["usr/bin/app": randomData(count: 48 << 10),
                     "usr/share/app/arch": Data("\(platform.architecture)\n".utf8)],
                ],
                platform: platform,
                labels: ["arch": platform.architecture],
                scratch: tmp.url))
        }
        let index = try writer.addIndex(images: images)
        try writer.tag(index.index, as: tag)
        return (root, index)
    }
}

/// Checks that `copy` holds, under `copyTag`, exactly the image `source` holds under `sourceTag`: the same top-level
/// digest and the same set of reachable blobs, each blob hashing to its name.
func expectSameImage(
    source: URL, sourceTag: String,
    copy: URL, copyTag: String,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let src = OCILayoutReader(root: source)
    let dst = OCILayoutReader(root: copy)
    let srcTop = try src.descriptor(tag: sourceTag)
    let dstTop = try dst.descriptor(tag: copyTag)
    #expect(dstTop.digest == srcTop.digest, "top-level digest changed in the round trip", sourceLocation: sourceLocation)
    #expect(dstTop.mediaType == srcTop.mediaType, "top-level media type changed", sourceLocation: sourceLocation)
    let srcBlobs = try src.reachableBlobs(from: srcTop)
    let dstBlobs = try dst.reachableBlobs(from: dstTop)
    let missing = Set(srcBlobs.keys).subtracting(dstBlobs.keys).sorted()
    let extra = Set(dstBlobs.keys).subtracting(srcBlobs.keys).sorted()
    #expect(missing.isEmpty && extra.isEmpty, """
        blob sets differ after the round trip
        missing from copy: \(missing.map { "\($0) (\(srcBlobs[$0]!.mediaType))" })
        only in copy: \(extra.map { "\($0) (\(dstBlobs[$0]!.mediaType))" })
        """, sourceLocation: sourceLocation)
    for (digest, descriptor) in srcBlobs {
        guard let other = dstBlobs[digest] else { continue }
        #expect(other.size == descriptor.size, "size of \(digest) differs", sourceLocation: sourceLocation)
    }
}

/// A temp dir, a server on `<tmp>/data`, and a skopeo wired to both; everything is cleaned up afterwards.
func withServerAndSkopeo(
    _ label: String,
    _ body: (TemporaryDirectory, BerthProcess, Skopeo) async throws -> Void
) async throws {
    try await withTemporaryDirectory(label) { tmp in
        try await withBerth(dataDirectory: tmp.url.appendingPathComponent("data"), logDirectory: tmp.url) { server in
            let skopeo = try Skopeo(workDirectory: tmp.url, server: server)
            try await body(tmp, server, skopeo)
        }
    }
}
