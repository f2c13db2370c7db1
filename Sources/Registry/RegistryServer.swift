import Foundation
import Logging
import Storage

/// The embedded deployment's stores: filesystem blobs and SQLite metadata under one data folder.
public enum RegistryServer {
    public static func openStores(dataDirectory: URL) throws -> (FilesystemBlobStore, SQLiteMetadataStore) {
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        let blobs = try FilesystemBlobStore(root: dataDirectory)
        let metadata = try SQLiteMetadataStore(path: dataDirectory.appendingPathComponent("metadata.sqlite").path)
        return (blobs, metadata)
    }

    /// Staged bytes with no recorded session belong to requests a crash interrupted; nobody can resume them.
    public static func removeAbandonedUploads(blobs: any BlobStore, metadata: any MetadataStore, logger: Logger) async throws {
        for id in try await blobs.allUploads() where try await metadata.upload(id: id) == nil {
            try await blobs.deleteUpload(id: id)
            logger.info("removed staged bytes of an interrupted upload", metadata: ["upload": "\(id)"])
        }
    }
}
