import Foundation

extension ImageOnDisk {
    private struct Descriptor: Decodable {
        var mediaType: String?
        var digest: String
        var size: Int64
        var annotations: [String: String]?
    }

    private struct Index: Decodable {
        var manifests: [Descriptor]
    }

    private struct Manifest: Decodable {
        var mediaType: String?
        var layers: [Descriptor]?
    }

    static let refNameAnnotation = "org.opencontainers.image.ref.name"

    static func openLayout(_ folder: URL, tag: String?) throws -> ImageOnDisk {
        let index: Index = try decode(folder.appendingPathComponent("index.json"), what: "index.json of \(folder.path)")
        let chosen: Descriptor
        if let tag {
            guard let found = index.manifests.first(where: { $0.annotations?[refNameAnnotation] == tag }) else {
                throw ImageOnDiskError("no manifest tagged \(tag) in \(folder.path); tags: \(tags(of: index.manifests))")
            }
            chosen = found
        } else {
            guard index.manifests.count == 1, let only = index.manifests.first else {
                throw ImageOnDiskError("\(folder.path) holds \(index.manifests.count) manifests; name one as oci:DIR:TAG (tags: \(tags(of: index.manifests)))")
            }
            chosen = only
        }
        let manifest: Manifest = try decode(try blobPath(folder, digest: chosen.digest), what: "manifest \(chosen.digest)")
        guard let layers = manifest.layers else {
            throw ImageOnDiskError("manifest \(chosen.digest) is not an image manifest (\(manifest.mediaType ?? chosen.mediaType ?? "no media type")); multi-platform indexes are not read")
        }
        return ImageOnDisk(
            layers: layers.map { ImageLayerOnDisk(digest: $0.digest, mediaType: $0.mediaType ?? "", size: $0.size) },
            storage: .ociLayout(folder))
    }

    private static func tags(of manifests: [Descriptor]) -> String {
        let tags = manifests.compactMap { $0.annotations?[refNameAnnotation] }
        return tags.isEmpty ? "none" : tags.joined(separator: ", ")
    }

    private static func decode<Value: Decodable>(_ file: URL, what: String) throws -> Value {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw ImageOnDiskError("cannot read \(what): \(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(Value.self, from: data)
        } catch {
            throw ImageOnDiskError("\(what) is not valid: \(error)")
        }
    }
}
