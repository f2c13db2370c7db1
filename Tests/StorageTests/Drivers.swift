import Foundation
import Storage
import StorageConformance

/// Every implementation of the storage protocols in this repository, run against the StorageConformance suites.
/// A new driver is added here and must pass every test that takes a driver.
enum BlobDriver: String, CaseIterable {
    case filesystem

    var blobs: BlobStoreConformance {
        switch self {
        case .filesystem: BlobStoreConformance { try FilesystemBlobStore(root: $0) }
        }
    }
}

/// SQLite implements all three metadata protocols in one type; each suite still gets its own factory,
/// as a driver implementing only one of them would pass.
enum MetadataDriver: String, CaseIterable {
    case sqlite

    var metadata: MetadataStoreConformance { MetadataStoreConformance { try open(in: $0) } }
    var configuration: ConfigurationStoreConformance { ConfigurationStoreConformance { try open(in: $0) } }
    var access: AccessStoreConformance { AccessStoreConformance { try open(in: $0) } }
    var layerScans: LayerScanStoreConformance { LayerScanStoreConformance { try open(in: $0) } }
    var vulnerabilities: VulnerabilityDatabaseStoreConformance { VulnerabilityDatabaseStoreConformance { try open(in: $0) } }

    private func open(in directory: URL) throws -> SQLiteMetadataStore {
        switch self {
        case .sqlite: try SQLiteMetadataStore(path: directory.appendingPathComponent("metadata.sqlite").path)
        }
    }
}

/// The audit chain's drivers.
enum AuditDriver: String, CaseIterable {
    case segmentedFiles

    var audit: AuditStoreConformance {
        switch self {
        // Tiny segments, so the checks cross segment boundaries and compressed segments too.
        case .segmentedFiles: AuditStoreConformance { try SegmentedAuditStore(folder: $0, segmentBytes: 600) }
        }
    }
}
