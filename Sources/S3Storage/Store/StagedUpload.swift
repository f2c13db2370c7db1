import Storage

/// Where an upload's bytes wait until committed: ordinary objects `<prefix>uploads/<id>/<offset>`, the offset in 20
/// digits so that listing order is byte order. Every part but the last holds `partSize` bytes.
///
/// Nothing about an upload lives anywhere but in the bucket, so any replica can continue or commit it, also after a
/// restart. A fresh upload is one empty part at offset 0, so that it exists before its first byte arrives.
struct StagedPart: Sendable, Equatable {
    let offset: Int64
    let size: Int64
    let key: String

    var end: Int64 { offset + size }
}

struct StagingArea: Sendable {
    let client: S3Client
    let keyPrefix: String

    /// The prefix every staged object of upload `id` has. Upload ids come from the registry (UUIDs), but one holding a
    /// `/` would reach into another upload's objects, so it is refused.
    func prefix(of id: String) throws -> String {
        guard !id.isEmpty, !id.contains("/") else { throw BlobStoreError.io("S3 upload id \(id) is not a single path segment") }
        return "\(keyPrefix)uploads/\(id)/"
    }

    func partKey(_ id: String, offset: Int64) throws -> String {
        let digits = String(offset)
        return try prefix(of: id) + String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }

    /// The upload's parts in order; empty when there is no such upload. Throws when they do not join up (a part
    /// missing in the middle), which no writer leaves behind.
    func parts(of id: String) async throws -> [StagedPart] {
        let prefix = try prefix(of: id)
        let listing = try await client.list(prefix: prefix)
        var parts: [StagedPart] = []
        for object in listing.objects {
            guard let offset = Int64(object.key.dropFirst(prefix.count)) else {
                throw BlobStoreError.io("S3 upload \(id): unexpected object \(object.key) in its staging area")
            }
            parts.append(StagedPart(offset: offset, size: object.size, key: object.key))
        }
        parts.sort { $0.offset < $1.offset }
        var expected: Int64 = 0
        for part in parts {
            guard part.offset == expected else {
                throw BlobStoreError.io("S3 upload \(id): staged part at byte \(part.offset), expected one at \(expected)")
            }
            expected = part.end
        }
        return parts
    }

    /// Every upload with at least one staged object. Listed object by object, not by "folder" (a delimiter): some
    /// servers (SeaweedFS) keep reporting a folder after its last object is deleted.
    func allUploads() async throws -> [String] {
        let root = "\(keyPrefix)uploads/"
        let listing = try await client.list(prefix: root)
        let ids = listing.objects.compactMap { $0.key.dropFirst(root.count).split(separator: "/").first.map(String.init) }
        return Set(ids).sorted()
    }
}
