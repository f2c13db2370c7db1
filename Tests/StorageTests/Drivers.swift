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

func repo(_ name: String) -> RepositoryName { RepositoryName(name)! }
