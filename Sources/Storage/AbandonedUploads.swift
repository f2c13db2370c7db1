import Logging

/// Staged bytes with no recorded session belong to single-request uploads that a crash (or a replica's death)
/// interrupted; nobody can resume them. A chunked upload records its session before it stages a byte.
public enum AbandonedUploads {
    /// The staged uploads no session names now.
    public static func find(blobs: any BlobStore, metadata: any MetadataStore) async throws -> Set<String> {
        var found: Set<String> = []
        for id in try await blobs.allUploads() where try await metadata.upload(id: id) == nil { found.insert(id) }
        return found
    }

    /// At start-up, alone on the stores: every one found is abandoned.
    public static func remove(blobs: any BlobStore, metadata: any MetadataStore, logger: Logger) async throws {
        for id in try await find(blobs: blobs, metadata: metadata) { try await remove(id, blobs: blobs, logger: logger) }
    }

    /// Where another replica may be staging a single-request upload right now: removes only the uploads found without a
    /// session at the previous sweep too (`suspects`, the previous sweep's answer, an interval earlier), and answers the
    /// uploads to remove at the next sweep if they are still there.
    public static func sweep(suspects: Set<String>, blobs: any BlobStore, metadata: any MetadataStore, logger: Logger) async throws -> Set<String> {
        let found = try await find(blobs: blobs, metadata: metadata)
        for id in found.intersection(suspects).sorted() { try await remove(id, blobs: blobs, logger: logger) }
        return found.subtracting(suspects)
    }

    private static func remove(_ id: String, blobs: any BlobStore, logger: Logger) async throws {
        try await blobs.deleteUpload(id: id)
        logger.info("removed staged bytes of an interrupted upload", metadata: ["upload": "\(id)"])
    }
}
