import Foundation

extension AdminWire {
    /// A verdict's `scan` section: the secret scan of the image's layers (spec/scanning.md).
    public struct Scan: Codable, Sendable, Hashable {
        /// `pending`, `scanned` or `unscannable`.
        public var status: String
        /// Why it is unscannable; null otherwise.
        public var reason: String?
        public var findings: [SecretFinding]
        /// Findings past each layer's first 1,000, counted only.
        public var omittedFindings: Int
        public var layers: [ScannedLayer]

        public init(status: String, reason: String?, findings: [SecretFinding], omittedFindings: Int, layers: [ScannedLayer]) {
            self.status = status
            self.reason = reason
            self.findings = findings
            self.omittedFindings = omittedFindings
            self.layers = layers
        }
    }

    /// A secret found in a layer, redacted: never the secret, only its first characters and its SHA-256.
    public struct SecretFinding: Codable, Sendable, Hashable {
        public var rule: String
        /// 1-based, as the image lists its layers.
        public var layer: Int
        public var layerDigest: String
        public var path: String
        public var line: Int
        public var preview: String
        public var fingerprint: String
        /// The SecretException that accepts it; null when none does.
        public var exception: String?

        public init(rule: String, layer: Int, layerDigest: String, path: String, line: Int, preview: String, fingerprint: String, exception: String?) {
            self.rule = rule
            self.layer = layer
            self.layerDigest = layerDigest
            self.path = path
            self.line = line
            self.preview = preview
            self.fingerprint = fingerprint
            self.exception = exception
        }
    }

    /// One layer of the image and its scan.
    public struct ScannedLayer: Codable, Sendable, Hashable {
        public var digest: String
        public var mediaType: String
        /// `scanned`, `unscannable`, or `pending` (not scanned yet).
        public var outcome: String
        public var reason: String?
        public var scannedAt: String?

        public init(digest: String, mediaType: String, outcome: String, reason: String?, scannedAt: String?) {
            self.digest = digest
            self.mediaType = mediaType
            self.outcome = outcome
            self.reason = reason
            self.scannedAt = scannedAt
        }
    }
}

extension AdminWire.Scan {
    /// The scan as `berth verdict` prints it.
    public var text: String {
        var out = "  scan:     \(status)\(reason.map { ": \($0)" } ?? "")\n"
        for finding in findings {
            out += "  secret \(finding.rule) at \(finding.path):\(finding.line) (layer \(finding.layer), \"\(finding.preview)\")"
            out += finding.exception.map { ", accepted by SecretException \($0)" } ?? ""
            out += "\n"
        }
        if omittedFindings > 0 { out += "  and \(omittedFindings) more secrets, past each layer's first 1,000\n" }
        for (index, layer) in layers.enumerated() {
            out += "  layer \(index + 1) \(layer.digest): \(layer.outcome)\(layer.reason.map { " (\($0))" } ?? "")"
            out += layer.scannedAt.map { ", scanned \($0)" } ?? ""
            out += "\n"
        }
        return out
    }
}
