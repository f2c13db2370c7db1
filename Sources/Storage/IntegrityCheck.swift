import OCI

/// What `berth fsck` found. `problems` are inconsistencies; `notes` are harmless (garbage, stale sessions).
public struct IntegrityReport: Sendable {
    public var problems: [String] = []
    public var notes: [String] = []
    public var blobsChecked = 0
    public var bytesChecked: Int64 = 0
    public var manifestsChecked = 0

    public var isClean: Bool { problems.isEmpty }
}

/// Re-hashes every blob and manifest and checks that every reference resolves.
public enum IntegrityCheck {
    public static func run(blobs: any BlobStore, metadata: any MetadataStore) async throws -> IntegrityReport {
        var report = IntegrityReport()
        let inventory = try await metadata.inventory()
        report.problems.append(contentsOf: inventory.unreadable)
        var stored: [Digest: Int64] = [:]
        for digest in try await blobs.allDigests() {
            var hasher = DigestHasher(digest.algorithm)
            var size: Int64 = 0
            do {
                try await blobs.read(digest, range: 0..<Int64.max) { chunk in
                    chunk.withUnsafeReadableBytes { hasher.update($0) }
                    size += Int64(chunk.readableBytes)
                }
            } catch {
                report.problems.append("blob \(digest): cannot be read: \(error)")
                continue
            }
            let actual = hasher.finalize()
            if actual != digest {
                report.problems.append("blob \(digest): content hashes to \(actual)")
            }
            stored[digest] = size
            report.blobsChecked += 1
            report.bytesChecked += size
        }

        var linked: Set<String> = []
        for link in inventory.blobLinks {
            linked.insert("\(link.repository)@\(link.digest)")
            guard let size = stored[link.digest] else {
                report.problems.append("\(link.repository): holds blob \(link.digest), which is missing from the blob store")
                continue
            }
            if size != link.size {
                report.problems.append("\(link.repository): blob \(link.digest) recorded as \(link.size) bytes, stored as \(size)")
            }
        }

        var manifestKeys: Set<String> = []
        for manifest in inventory.manifests {
            manifestKeys.insert("\(manifest.repository)@\(manifest.digest)")
            let actual = Digest.compute(manifest.content, algorithm: manifest.digest.algorithm)
            if actual != manifest.digest {
                report.problems.append("\(manifest.repository): manifest \(manifest.digest) content hashes to \(actual)")
            }
            report.manifestsChecked += 1
        }
        for reference in inventory.references {
            let key = "\(reference.repository)@\(reference.target)"
            if reference.isManifest ? !manifestKeys.contains(key) : !linked.contains(key) {
                report.problems.append("\(reference.repository): manifest \(reference.manifest) references \(reference.isManifest ? "manifest" : "blob") \(reference.target), which the repository does not hold")
            }
        }
        for tag in inventory.tags where !manifestKeys.contains("\(tag.repository)@\(tag.digest)") {
            report.problems.append("\(tag.repository): tag \(tag.tag) points at missing manifest \(tag.digest)")
        }

        let referenced = Set(inventory.blobLinks.map(\.digest))
        let unreferenced = stored.keys.filter { !referenced.contains($0) }
        if !unreferenced.isEmpty {
            report.notes.append("\(unreferenced.count) blob(s) belong to no repository (garbage a collection would remove)")
        }
        if !inventory.uploads.isEmpty {
            report.notes.append("\(inventory.uploads.count) upload session(s) in progress or abandoned")
        }
        return report
    }
}
