import Foundation

/// The embedded deployment's stores: filesystem blobs and SQLite metadata (with the configuration and access
/// state) under one data folder.
public struct EmbeddedStores: Sendable {
    public let blobs: FilesystemBlobStore
    public let metadata: SQLiteMetadataStore

    public init(dataDirectory: URL) throws {
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        blobs = try FilesystemBlobStore(root: dataDirectory)
        metadata = try SQLiteMetadataStore(path: dataDirectory.appendingPathComponent("metadata.sqlite").path)
    }
}
