import Foundation
import OCI

/// One layer's stored scan: what the content scanner `scanner` (its fingerprint: rules and engine version) reported for
/// the blob `digest`. Blobs are content-addressed, so a report stays true for as long as the scanner does; a report holds
/// redacted findings only, never a secret.
public struct StoredLayerScan: Sendable, Hashable {
    public var digest: Digest
    public var scanner: String
    /// The report, encoded by whoever scanned (the store does not read it).
    public var report: [UInt8]
    public var scannedAt: Date

    public init(digest: Digest, scanner: String, report: [UInt8], scannedAt: Date) {
        self.digest = digest
        self.scanner = scanner
        self.report = report
        self.scannedAt = scannedAt
    }
}

/// Where layer scans are kept, so a layer shared by many images is read once, and a restart does not read it again.
public protocol LayerScanStore: Sendable {
    /// The stored scan of `digest` by `scanner`, if any; with `scanner` nil, the newest scan of it by any scanner.
    func layerScan(of digest: Digest, scanner: String?) async throws -> StoredLayerScan?
    /// Stores a scan, replacing an earlier one of the same layer by the same scanner.
    func recordLayerScan(_ scan: StoredLayerScan) async throws
}
