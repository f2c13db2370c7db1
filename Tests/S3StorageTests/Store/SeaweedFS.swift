import AsyncHTTPClient
import Foundation
@testable import S3Storage
import TestSupport

/// Stores on the test process's SeaweedFS server (`RealServers.s3()`), all in one bucket, each under its own prefix.
enum SeaweedFS {
    static let bucket = "berth-tests"
    /// Small parts (S3's minimum), so a few MiB already make a multipart commit.
    static let partSize = S3BlobStore.minimumPartSize

    static func address(prefix: String) async throws -> S3Address {
        let server = try await RealServers.s3()
        return try S3Address("s3://\(bucket)/\(prefix)?endpoint=\(server.endpoint)&region=\(server.region)")
    }

    /// A store under `prefix` in the test bucket, which it creates when missing. The process-wide HTTP client is
    /// shared, so nothing needs shutting down.
    static func store(prefix: String, partSize: Int = partSize, secretKey: String? = nil) async throws -> S3BlobStore {
        let server = try await RealServers.s3()
        let credentials = S3Credentials(accessKeyID: server.accessKey, secretAccessKey: secretKey ?? server.secretKey)
        let store = try S3BlobStore(address: try await address(prefix: prefix), credentials: credentials, partSize: partSize, httpClient: .shared)
        if secretKey == nil { try await store.createBucketIfMissing() }
        return store
    }

    /// A fresh prefix for one test.
    static func uniquePrefix(_ label: String) -> String { "\(label)/\(UUID().uuidString.lowercased())" }

    /// The store of a conformance check: its prefix is the folder's name, so reopening over the same folder finds
    /// what the first store wrote.
    static func store(in folder: URL) async throws -> S3BlobStore {
        try await store(prefix: "conformance/\(folder.lastPathComponent)")
    }
}
