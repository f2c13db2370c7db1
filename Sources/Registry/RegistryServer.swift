import Foundation
import Hummingbird
import Logging
import NIOCore
import Storage

/// The embedded deployment: filesystem blobs and SQLite metadata under one data folder.
public struct RegistryServer {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var dataDirectory: URL

        public init(host: String, port: Int, dataDirectory: URL) {
            self.host = host
            self.port = port
            self.dataDirectory = dataDirectory
        }
    }

    public static func openStores(dataDirectory: URL) throws -> (FilesystemBlobStore, SQLiteMetadataStore) {
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        let blobs = try FilesystemBlobStore(root: dataDirectory)
        let metadata = try SQLiteMetadataStore(path: dataDirectory.appendingPathComponent("metadata.sqlite").path)
        return (blobs, metadata)
    }

    /// Builds the application. `onListening` receives the bound address (useful with port 0).
    public static func makeApplication(
        configuration: Configuration,
        logger: Logger,
        onListening: @escaping @Sendable (String, Int) async -> Void = { _, _ in }
    ) async throws -> some ApplicationProtocol {
        let (blobs, metadata) = try openStores(dataDirectory: configuration.dataDirectory)
        try await removeAbandonedUploads(blobs: blobs, metadata: metadata, logger: logger)
        let registry = Registry(blobs: blobs, metadata: metadata, logger: logger)
        return Application(
            responder: registry,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "berth"),
            onServerRunning: { channel in
                let address = channel.localAddress
                await onListening(address?.ipAddress ?? configuration.host, address?.port ?? configuration.port)
            },
            logger: logger
        )
    }

    /// Staged bytes with no recorded session belong to requests a crash interrupted; nobody can resume them.
    static func removeAbandonedUploads(blobs: any BlobStore, metadata: any MetadataStore, logger: Logger) async throws {
        for id in try await blobs.allUploads() where try await metadata.upload(id: id) == nil {
            try await blobs.deleteUpload(id: id)
            logger.info("removed staged bytes of an interrupted upload", metadata: ["upload": "\(id)"])
        }
    }
}
