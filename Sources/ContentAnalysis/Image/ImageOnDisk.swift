import Foundation

/// An image in a file or folder, for `berth scan`: an OCI image layout or a `docker save` archive.
public struct ImageOnDisk: Sendable {
    enum Storage: Sendable {
        /// Blobs under `blobs/<algorithm>/<hex>` of the layout folder.
        case ociLayout(URL)
        /// Layers as members of the archive, by member path, in the order of `layers`.
        case dockerArchive(URL, members: [String])
    }

    /// The layers in order, bottom first.
    public var layers: [ImageLayerOnDisk]
    let storage: Storage

    /// Opens "oci:DIR", "oci:DIR:TAG" (the manifest whose `org.opencontainers.image.ref.name` is TAG; without a tag,
    /// the layout's only manifest) or "docker-archive:FILE".
    public static func open(_ reference: String) throws -> ImageOnDisk {
        if reference.hasPrefix("oci:") {
            let rest = String(reference.dropFirst(4))
            // A tag has no "/": "oci:./dir:tag" has one, "oci:./dir" has none.
            if let colon = rest.lastIndex(of: ":"), !rest[rest.index(after: colon)...].contains("/") {
                return try openLayout(URL(fileURLWithPath: String(rest[..<colon])), tag: String(rest[rest.index(after: colon)...]))
            }
            return try openLayout(URL(fileURLWithPath: rest), tag: nil)
        }
        if reference.hasPrefix("docker-archive:") {
            return try openDockerArchive(URL(fileURLWithPath: String(reference.dropFirst("docker-archive:".count))))
        }
        throw ImageOnDiskError("unknown image reference \(reference): use oci:DIR, oci:DIR:TAG or docker-archive:FILE")
    }

    /// Scans the layers in order, each read once as a stream. `progress` gets the stored bytes read so far and the
    /// total of all layers.
    public func scan(with scanner: LayerScanner, progress: ((Int64, Int64) -> Void)?) -> ImageReport {
        let total = layers.reduce(0) { $0 + $1.size }
        var done: Int64 = 0
        var reports: [LayeredReport] = []
        for (index, layer) in layers.enumerated() {
            let report = scanLayer(index, with: scanner) { read in progress?(done + read, total) }
            done += layer.size
            reports.append(LayeredReport(index: index, digest: layer.digest, mediaType: layer.mediaType, report: report))
        }
        return ImageReport(layers: reports)
    }

    private func scanLayer(_ index: Int, with scanner: LayerScanner, progress: @escaping (Int64) -> Void) -> LayerReport {
        let layer = layers[index]
        switch storage {
        case .ociLayout(let folder):
            do {
                let path = try Self.blobPath(folder, digest: layer.digest).path
                let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
                guard descriptor >= 0 else {
                    return LayerReport(outcome: .unscannable(reason: "cannot open \(path): \(String(cString: strerror(errno)))"))
                }
                defer { close(descriptor) }
                var source = FileDescriptorSource(descriptor: descriptor)
                return scanner.scan(mediaType: layer.mediaType, source: &source, progress: progress)
            } catch {
                return LayerReport(outcome: .unscannable(reason: "\(error)"))
            }
        case .dockerArchive(let file, let members):
            do {
                let outer = try OuterArchive(file)
                var source = try outer.member(members[index])
                return scanner.scan(mediaType: layer.mediaType, source: &source, progress: progress)
            } catch {
                return LayerReport(outcome: .unscannable(reason: "\(error)"))
            }
        }
    }

    static func blobPath(_ folder: URL, digest: String) throws -> URL {
        let parts = digest.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, parts[0].allSatisfy({ $0.isLetter || $0.isNumber }),
              parts[1].allSatisfy({ $0.isHexDigit }), !parts[1].isEmpty else {
            throw ImageOnDiskError("malformed digest \(digest)")
        }
        return folder.appendingPathComponent("blobs/\(parts[0])/\(parts[1])")
    }
}
