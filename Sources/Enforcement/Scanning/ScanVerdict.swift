import ContentAnalysis
import Foundation
import OCI

/// What the content scan of one image found: whether every layer was read, the secrets in them, and each layer's scan.
public struct ScanVerdict: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        /// A layer has not been scanned yet.
        case pending
        case scanned
        /// A layer could not be read (`reason` says which and why): never counted as clean.
        case unscannable
    }

    /// One layer of the image and its scan.
    public struct Layer: Sendable, Hashable {
        public var digest: Digest
        public var mediaType: String
        public var size: Int64
        /// Nil while pending.
        public var scannedAt: Date?
        public var outcome: LayerOutcome?

        var descriptor: Descriptor { Descriptor(mediaType: mediaType, digest: digest, size: size) }
    }

    /// A secret found in one layer, redacted. `exception` names the SecretException that accepts it, if one does.
    public struct Finding: Sendable, Hashable {
        public var layerIndex: Int
        public var layer: Digest
        public var finding: SecretFinding
        public var exception: String?

        /// `private-key at root/.ssh/id_rsa:1 (layer 2, sha256:…, "----…")`
        public var summary: String {
            "\(finding.rule) at \(finding.path):\(finding.line) (layer \(layerIndex + 1), \(layer), \"\(finding.preview)\")"
        }

        /// The first `shown` findings' summaries, then how many more there are (with `omitted`, those counted only):
        /// enough to act on, short enough for a client's error line or a security event.
        public static func listed(_ findings: [Finding], omitted: Int = 0, shown: Int = 10) -> String {
            let unlisted = max(0, findings.count - shown) + omitted
            return findings.prefix(shown).map(\.summary).joined(separator: "; ")
                + (unlisted > 0 ? "; and \(unlisted) more (berth verdict lists them)" : "")
        }
    }

    public var status: Status
    public var reason: String?
    public var findings: [Finding]
    /// Findings past each layer's first 1,000, counted only (none of them excepted).
    public var omittedFindings: Int
    public var layers: [Layer]

    /// Findings no exception accepts.
    public var unexcepted: [Finding] { findings.filter { $0.exception == nil } }
}
