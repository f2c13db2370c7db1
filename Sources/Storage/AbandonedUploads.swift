import Logging

/// Staged bytes with no recorded session belong to requests a crash interrupted; nobody can resume them.
public enum AbandonedUploads {
    public static func remove(blobs: any BlobStore, metadata: any MetadataStore, logger: Logger) async throws {
        for id in try await blobs.allUploads() where try await metadata.upload(id: id) == nil {
            try await blobs.deleteUpload(id: id)
            logger.info("removed staged bytes of an interrupted upload", metadata: ["upload": "\(id)"])
        }
    }
}
