import Foundation
import OCI
import Storage

/// Every implementation of the storage protocols, for the shared conformance suites.
/// A new driver is added here and must pass every test that takes a driver.
enum BlobDriver: String, CaseIterable {
    case filesystem

    func make(in directory: URL) throws -> any BlobStore {
        switch self {
        case .filesystem: try FilesystemBlobStore(root: directory)
        }
    }
}

enum MetadataDriver: String, CaseIterable {
    case sqlite

    func make(in directory: URL) throws -> any MetadataStore & ConfigurationStore & AccessStore {
        switch self {
        case .sqlite: try SQLiteMetadataStore(path: directory.appendingPathComponent("metadata.sqlite").path)
        }
    }
}


/// A fresh temporary folder, removed when the test ends.
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("berth-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}

func randomBytes(_ count: Int) -> [UInt8] {
    // In one call: a random number per byte takes minutes for a blob of tens of MiB in a debug build.
    [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
        if let start = buffer.baseAddress { arc4random_buf(start, count) }
        initialized = count
    }
}

func repo(_ name: String) -> RepositoryName { RepositoryName(name)! }
