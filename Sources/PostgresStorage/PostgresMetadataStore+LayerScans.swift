import Foundation
import OCI
import PostgresNIO
import Storage

extension PostgresMetadataStore: LayerScanStore {
    public func layerScan(of digest: Digest, scanner: String?) async throws -> StoredLayerScan? {
        let rows = try await database.query(scanner.map {
            "SELECT report, scanned_at, scanner FROM layer_scans WHERE digest = \(digest.description) AND scanner = \($0)"
        } ?? "SELECT report, scanned_at, scanner FROM layer_scans WHERE digest = \(digest.description) ORDER BY scanned_at DESC LIMIT 1")
        guard let (report, scannedAt, scanner) = try await rows.collect().first?.decode((ByteBuffer, Date, String).self) else { return nil }
        return StoredLayerScan(digest: digest, scanner: scanner, report: Array(report.readableBytesView), scannedAt: scannedAt)
    }

    public func recordLayerScan(_ scan: StoredLayerScan) async throws {
        // One statement: two replicas scanning the same layer at once both land, the later replacing the earlier.
        try await database.query(
            """
            INSERT INTO layer_scans (digest, scanner, report, scanned_at)
            VALUES (\(scan.digest.description), \(scan.scanner), \(ByteBuffer(bytes: scan.report)), \(scan.scannedAt))
            ON CONFLICT (digest, scanner) DO UPDATE SET report = excluded.report, scanned_at = excluded.scanned_at
            """)
    }
}
