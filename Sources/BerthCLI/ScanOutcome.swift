import AdminAPI
import ArgumentParser
import ContentAnalysis
import Enforcement
import OCI
import Server
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
    /// The registry's judgement of the scan; nil when the policy does not scan for secrets.
    let scan: ScanVerdict?
    /// The packages' vulnerabilities, with --vulndb.
    let vulnerabilities: VulnerabilityVerdict?

    /// Judges `report` as a push would be judged, with `SecretScanRequirement`, the registry's own code.
    init(image: String, report: ImageReport, policy: ScanPolicy, scanner: String, now: Date) throws {
        self.image = image
        self.policy = policy
        var descriptors: [Descriptor] = []
        var reports: [Digest: ScannedLayer] = [:]
        for layer in report.layers {
            var outcome = "scanned", reason: String?
            if case .unscannable(let why) = layer.report.outcome { (outcome, reason) = ("unscannable", why) }
            layers.append(Layer(digest: layer.digest, mediaType: layer.mediaType, outcome: outcome, reason: reason))
            guard let digest = Digest(layer.digest) else {
                throw ValidationError("layer \(layer.index + 1) of \(image) has no valid digest: \(layer.digest)")
            }
            descriptors.append(Descriptor(mediaType: layer.mediaType, digest: digest, size: 0))
            reports[digest] = ScannedLayer(report: layer.report, scannedAt: now, scanner: scanner)
        }
        scan = policy.requirement?.evaluate(descriptors, reports: reports, now: now)
        findings = scan?.findings.map { found in
            Finding(rule: found.finding.rule, layer: found.layerIndex + 1, layerDigest: found.layer.description, path: found.finding.path,
                    line: found.finding.line, preview: found.finding.preview, fingerprint: found.finding.fingerprint, exception: found.exception)
        } ?? []
        omitted = scan?.omittedFindings ?? 0
        vulnerabilities = policy.vulnerabilities.map { $0.matching.verdict(of: descriptors, reports: reports, under: $0.requirement, at: now).0 }
    }

    /// What --vulndb found that blocks: the registry's push judgement.
    private var vulnerabilityRefusal: String? {
        guard let vulnerabilities, let requirement = policy.vulnerabilities?.requirement else { return nil }
        return requirement.pushRefusal(vulnerabilities)
    }

    var unscannable: [Layer] { layers.filter { $0.outcome == "unscannable" } }

    /// Nil for 0: the push would be accepted.
    var exitStatus: Int32? {
        if let scan, policy.requirement?.withholding(scan) != nil { return scan.status == .unscannable ? 3 : 2 }
        if vulnerabilityRefusal != nil { return vulnerabilities?.status == .unscannable ? 3 : 4 }
        return nil
    }

    var verdict: String {
        if let refusal = vulnerabilityRefusal, exitStatus == 4 || (exitStatus == 3 && vulnerabilities?.status == .unscannable && scan?.status != .unscannable) {
            return "refused: \(refusal)"
        }
        return switch exitStatus {
        case 3?: "refused: a layer cannot be scanned, and \(policy.source) blocks what it cannot scan"
        case 2?:
            "refused: \(blocked) secret\(blocked == 1 ? "" : "s") found, and \(policy.source) blocks them"
        default:
            policy.requirement == nil ? "accepted: \(policy.source) does not scan for secrets"
                : findings.isEmpty ? "accepted: no secrets found" : "accepted: \(findings.count) finding(s), none blocking under \(policy.source)"
        }
    }

    /// Secrets no exception accepts, counted ones included.
    private var blocked: Int { (scan?.unexcepted.count ?? 0) + omitted }

    var text: String {
        var out = "\(image): \(verdict)\n"
        for finding in findings {
            out += "  \(finding.rule) at \(finding.path):\(finding.line) (layer \(finding.layer), \(finding.layerDigest), \"\(finding.preview)\")"
            out += finding.exception.map { ", accepted by SecretException \($0)" } ?? ""
            out += "\n"
        }
        if omitted > 0 { out += "  and \(omitted) more, past each layer's first 1,000\n" }
        for layer in unscannable { out += "  layer \(layer.digest) unscannable: \(layer.reason ?? "unknown")\n" }
        if let vulnerabilities, let requirement = policy.vulnerabilities?.requirement {
            out += "  \(vulnerabilities.packageCount) packages, \(vulnerabilities.findings.count) vulnerabilities"
            out += vulnerabilities.reason.map { " (\($0))" } ?? ""
            out += "\n"
            for finding in vulnerabilities.findings.sorted(by: VulnerabilityFinding.worstFirst) {
                let mark = finding.suppressedBy == nil && requirement.reaches(finding) ? "!" : "-"
                out += "  \(mark) \(finding.summaryLine) [layer \(finding.layerIndex + 1), \(finding.path)]"
                out += finding.suppressedBy.map { ", suppressed by VulnerabilityException \($0.exception) until \($0.expires)" } ?? ""
                out += "\n"
            }
        }
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
            var vulnerabilities: AdminWire.Vulnerabilities?
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(Document(image: image, policy: policy.source, accepted: exitStatus == nil, verdict: verdict,
                                           findings: findings, omittedFindings: omitted, layers: layers,
                                           vulnerabilities: vulnerabilities.map { AdminWire.Vulnerabilities($0, requirement: policy.vulnerabilities?.requirement) }))
    }
}
