import Crypto
import Foundation
import WireFormats

extension ImageOnDisk {
    private struct ArchiveManifest: Decodable {
        var Config: String
        var RepoTags: [String]?
        var Layers: [String]
    }

    static let manifestLimit: Int64 = 16 << 20

    /// Reads manifest.json, then each layer member's size, compression (from its first bytes) and digest: from its
    /// name when it is `blobs/sha256/<hex>` (Docker 25 and later), else by hashing the member as it streams past.
    static func openDockerArchive(_ file: URL) throws -> ImageOnDisk {
        let manifest = try readManifest(file)
        let members = manifest.Layers.map { LayerPath.normalized($0) }
        var found: [String: ImageLayerOnDisk] = [:]
        let archive = try OuterArchive(file)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 16)
        defer { buffer.deallocate() }
        while let member = try archive.nextMember() {
            guard members.contains(member.path), found[member.path] == nil else { continue }
            let named = digest(named: member.path)
            var hasher = SHA256()
            var head: [UInt8] = []
            while true {
                let read = try archive.read(into: buffer)
                guard read > 0 else { break }
                let bytes = UnsafeRawBufferPointer(rebasing: buffer[..<read])
                if head.count < LayerFormat.sniffLength { head += bytes.prefix(LayerFormat.sniffLength - head.count) }
                if named == nil {
                    hasher.update(bufferPointer: bytes)
                } else if head.count >= LayerFormat.sniffLength {
                    break
                }
            }
            let digest = named ?? Hex.string(hasher.finalize(), prefix: "sha256:")
            found[member.path] = ImageLayerOnDisk(digest: digest, mediaType: mediaType(of: head), size: member.size)
        }
        let layers = try members.map { path in
            guard let layer = found[path] else { throw ImageOnDiskError("\(file.path) lists layer \(path) but has no such member") }
            return layer
        }
        return ImageOnDisk(layers: layers, storage: .dockerArchive(file, members: members))
    }

    private static func readManifest(_ file: URL) throws -> ArchiveManifest {
        let archive = try OuterArchive(file)
        while let member = try archive.nextMember() {
            guard member.path == "manifest.json" else { continue }
            guard member.size <= manifestLimit else { throw ImageOnDiskError("manifest.json of \(file.path) is over \(manifestLimit) bytes") }
            var data = Data(count: Int(member.size))
            var filled = 0
            try data.withUnsafeMutableBytes { bytes in
                while filled < bytes.count {
                    let read = try archive.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[filled...]))
                    guard read > 0 else { break }
                    filled += read
                }
            }
            let manifests: [ArchiveManifest]
            do {
                manifests = try JSONDecoder().decode([ArchiveManifest].self, from: data.prefix(filled))
            } catch {
                throw ImageOnDiskError("manifest.json of \(file.path) is not valid: \(error)")
            }
            guard manifests.count == 1, let only = manifests.first else {
                let tags = manifests.flatMap { $0.RepoTags ?? [] }.joined(separator: ", ")
                throw ImageOnDiskError("\(file.path) holds \(manifests.count) images (\(tags)); only single-image archives are read")
            }
            return only
        }
        throw ImageOnDiskError("\(file.path) has no manifest.json: not a docker save archive")
    }

    private static func digest(named path: String) -> String? {
        let parts = path.split(separator: "/")
        guard parts.count == 3, parts[0] == "blobs", parts[2].count == 64, parts[2].allSatisfy(\.isHexDigit) else { return nil }
        return "\(parts[1]):\(parts[2])"
    }

    /// Docker's media types for what a member's first bytes show; zstd layers exist only as OCI's type.
    private static func mediaType(of head: [UInt8]) -> String {
        switch LayerFormat.sniff(head) {
        case .gzip: "application/vnd.docker.image.rootfs.diff.tar.gzip"
        case .zstd: "application/vnd.oci.image.layer.v1.tar+zstd"
        case .tar, nil: "application/vnd.docker.image.rootfs.diff.tar"
        }
    }
}
