import ContentAnalysis
import Foundation

/// A layer's scan report, when it was made, and by which rules (the scanner's fingerprint).
public struct ScannedLayer: Sendable, Hashable, Codable {
    public var report: LayerReport
    public var scannedAt: Date
    public var scanner: String

    public init(report: LayerReport, scannedAt: Date, scanner: String) {
        self.report = report
        self.scannedAt = scannedAt
        self.scanner = scanner
    }
}
