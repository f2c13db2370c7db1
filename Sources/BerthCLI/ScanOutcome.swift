import ContentAnalysis
import Declarations
import Foundation

/// `berth scan`'s judgement of an image on disk: each finding with the exception that accepts it, what cannot be
/// scanned, and the exit status a CI step acts on.
struct ScanOutcome {
    struct Finding: Codable {
        var rule: String
        /// 1-based, in the image's layer order.
        var layer: Int
        var layerDigest: String
        var path: String
        var line: Int
        var preview: String
        var fingerprint: String
        var exception: String?
    }

    struct Layer: Codable {
        var digest: String
        var mediaType: String
        /// `scanned` or `unscannable`.
        var outcome: String
        var reason: String?
    }

    let image: String
    let policy: ScanPolicy
    var findings: [Finding] = []
    /// Findings past each layer's first 1,000, counted only: never excepted.
    var omitted = 0
    var layers: [Layer] = []

    init(image: String, report: ImageReport, policy: ScanPolicy, now: Date) {
        self.image = image
        self.policy = policy
        for layer in report.layers {
            var outcome = "scanned", reason: String?
            if case .unscannable(let why) = layer.report.outcome { (outcome, reason) = ("unscannable", why) }
            layers.append(Layer(digest: layer.digest, mediaType: layer.mediaType, outcome: outcome, reason: reason))
            guard policy.action != .off else { continue }
            omitted += layer.report.omittedFindings
            for finding in layer.report.findings {
                let exception = policy.exceptions.first { $0.covers(rule: finding.rule, path: finding.path, on: now) }
                findings.append(Finding(rule: finding.rule, layer: layer.index + 1, layerDigest: layer.digest, path: finding.path, line: finding.line,
                                        preview: finding.preview, fingerprint: finding.fingerprint, exception: exception?.name))
            }
        }
    }

    var blocking: [Finding] { policy.action == .block ? findings.filter { $0.exception == nil } : [] }
    var unscannable: [Layer] { layers.filter { $0.outcome == "unscannable" } }

    /// Nil for 0: the push would be accepted.
    var exitStatus: Int32? {
        guard policy.action == .block else { return nil }
        if !unscannable.isEmpty { return 3 }
        if !blocking.isEmpty || omitted > 0 { return 2 }
        return nil
    }

    var verdict: String {
        switch exitStatus {
        case 3?: "refused: a layer cannot be scanned, and \(policy.source) blocks what it cannot scan"
        case 2?: "refused: \(blocking.count + omitted) secret\(blocking.count + omitted == 1 ? "" : "s") found, and \(policy.source) blocks them"
        default:
            policy.action == .off ? "accepted: \(policy.source) does not scan for secrets"
                : findings.isEmpty ? "accepted: no secrets found" : "accepted: \(findings.count) finding(s), none blocking under \(policy.source)"
        }
    }

    var text: String {
        var out = "\(image): \(verdict)\n"
        for finding in findings {
            out += "  \(finding.rule) at \(finding.path):\(finding.line) (layer \(finding.layer), \(finding.layerDigest), \"\(finding.preview)\")"
            out += finding.exception.map { ", accepted by SecretException \($0)" } ?? ""
            out += "\n"
        }
        if omitted > 0 { out += "  and \(omitted) more, past each layer's first 1,000\n" }
        for layer in unscannable { out += "  layer \(layer.digest) unscannable: \(layer.reason ?? "unknown")\n" }
        return out
    }

    func json() throws -> Data {
        struct Document: Encodable {
            var image: String
            var policy: String
            var accepted: Bool
            var verdict: String
            var findings: [Finding]
            var omittedFindings: Int
            var layers: [Layer]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(Document(image: image, policy: policy.source, accepted: exitStatus == nil, verdict: verdict,
                                           findings: findings, omittedFindings: omitted, layers: layers))
    }
}
