import ContentAnalysis
import Enforcement
import Foundation

/// SARIF 2.1.0 (OASIS), the format code-scanning pages ingest: one rule per secret pattern, one result per finding
/// located at `layer-N/PATH:LINE`, one per unscannable layer, and with --vulndb one rule per advisory found and one
/// result per vulnerable package, located at the file that lists it. Written by hand: no SARIF library is in the package
/// mirror, and the subset needed is a few fixed objects.
extension ScanOutcome {
    func sarif(patterns: [SecretPattern]) throws -> Data {
        struct Log: Encodable {
            var version = "2.1.0"
            var schema = "https://json.schemastore.org/sarif-2.1.0.json"
            var runs: [Run]
            enum CodingKeys: String, CodingKey { case version, schema = "$schema", runs }
        }
        struct Run: Encodable {
            var tool: Tool
            var results: [Result]
        }
        struct Tool: Encodable { var driver: Driver }
        struct Driver: Encodable {
            var name = "berth"
            var informationUri = "https://berth.dev"
            var rules: [Rule]
        }
        struct Rule: Encodable {
            var id: String
            var shortDescription: Text
        }
        struct Text: Encodable { var text: String }
        struct Result: Encodable {
            var ruleId: String
            var level: String
            var message: Text
            var locations: [Location]
            var partialFingerprints: [String: String]?
            var suppressions: [Suppression]?
        }
        struct Location: Encodable { var physicalLocation: Physical }
        struct Physical: Encodable {
            var artifactLocation: Artifact
            var region: Region?
        }
        struct Artifact: Encodable { var uri: String }
        struct Region: Encodable { var startLine: Int }
        struct Suppression: Encodable {
            var kind = "external"
            var justification: String
        }

        let level = policy.requirement?.blocks == true ? "error" : "warning"
        var results = findings.map { finding in
            Result(ruleId: finding.rule, level: level,
                   message: Text(text: "\(finding.rule) in layer \(finding.layer) (\(finding.layerDigest)): \"\(finding.preview)\""),
                   locations: [Location(physicalLocation: Physical(artifactLocation: Artifact(uri: "layer-\(finding.layer)/\(finding.path)"),
                                                                   region: Region(startLine: finding.line)))],
                   partialFingerprints: ["secretSha256/v1": finding.fingerprint],
                   suppressions: finding.exception.map { [Suppression(justification: "SecretException \($0)")] })
        }
        for (index, layer) in layers.enumerated() where layer.outcome == "unscannable" {
            results.append(Result(ruleId: "unscannable-layer", level: level,
                                  message: Text(text: "layer \(index + 1) (\(layer.digest)) cannot be scanned: \(layer.reason ?? "unknown")"),
                                  locations: [Location(physicalLocation: Physical(artifactLocation: Artifact(uri: "layer-\(index + 1)"), region: nil))]))
        }
        var rules = patterns.map { Rule(id: $0.id, shortDescription: Text(text: $0.description)) }
            + [Rule(id: "unscannable-layer", shortDescription: Text(text: "A layer Berth cannot read to its end, which never counts as clean"))]
        if let vulnerabilities, let requirement = policy.vulnerabilities?.requirement {
            var advisories: Set<String> = []
            for finding in vulnerabilities.findings.sorted(by: VulnerabilityFinding.worstFirst) {
                if advisories.insert(finding.id).inserted {
                    rules.append(Rule(id: finding.id, shortDescription: Text(text: finding.summary ?? finding.id)))
                }
                let blocks = finding.suppressedBy == nil && requirement.reaches(finding)
                results.append(Result(
                    ruleId: finding.id, level: blocks && requirement.blocksPushes ? "error" : blocks ? "warning" : "note",
                    message: Text(text: finding.summaryLine),
                    locations: [Location(physicalLocation: Physical(artifactLocation: Artifact(uri: "layer-\(finding.layerIndex + 1)/\(finding.path)"),
                                                                    region: nil))],
                    partialFingerprints: ["vulnerability/v1": "\(finding.id) \(finding.ecosystem) \(finding.sourcePackage ?? finding.package) \(finding.installed)"],
                    suppressions: finding.suppressedBy.map { [Suppression(justification: "VulnerabilityException \($0.exception): \($0.reason)")] }))
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(Log(runs: [Run(tool: Tool(driver: Driver(rules: rules)), results: results)]))
    }
}
