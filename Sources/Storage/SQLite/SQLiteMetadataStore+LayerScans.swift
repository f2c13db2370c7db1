import Foundation
import OCI

extension SQLiteMetadataStore: LayerScanStore {
    static let layerScanSchema = """
        CREATE TABLE IF NOT EXISTS layer_scans (
            digest TEXT NOT NULL,
            scanner TEXT NOT NULL,
            report BLOB NOT NULL,
            scanned_at REAL NOT NULL,
            PRIMARY KEY (digest, scanner)
        ) WITHOUT ROWID;
        """

    public func layerScan(of digest: Digest, scanner: String?) async throws -> StoredLayerScan? {
        try await read { connection in
            let rows = try scanner.map {
                try connection.query("SELECT report, scanned_at, scanner FROM layer_scans WHERE digest = ? AND scanner = ?", [.text(digest.description), .text($0)])
            } ?? connection.query("SELECT report, scanned_at, scanner FROM layer_scans WHERE digest = ? ORDER BY scanned_at DESC LIMIT 1",
                                  [.text(digest.description)])
            guard let row = rows.first, let report = row[0].bytes, let scannedAt = row[1].double, let scanner = row[2].string else { return nil }
            return StoredLayerScan(digest: digest, scanner: scanner, report: report, scannedAt: Date(timeIntervalSince1970: scannedAt))
        }
    }

    public func recordLayerScan(_ scan: StoredLayerScan) async throws {
        try await writer.submit { connection in
            try connection.query("INSERT OR REPLACE INTO layer_scans (digest, scanner, report, scanned_at) VALUES (?, ?, ?, ?)",
                                 [.text(scan.digest.description), .text(scan.scanner), .blob(scan.report), .real(scan.scannedAt.timeIntervalSince1970)])
        }
    }
}
