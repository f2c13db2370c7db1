import ContentAnalysis
import Foundation
import TestSupport
import Testing

@Suite struct SecretPatternTests {
    static let ticket = try! SecretPattern(id: "ticket", description: "Internal ticket tokens", regex: "TKT-([A-Za-z0-9]{16})",
                                           keywords: ["tkt-"], minimumEntropy: 3.0, paths: ["srv/*.conf"])

    /// A gzip layer made by GNU tar from `files`, in `folder`.
    func layer(_ files: [String: String], in folder: TemporaryDirectory) throws -> URL {
        let tree = try folder.subdirectory("tree")
        for (path, content) in files {
            let file = tree.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(content.utf8).write(to: file)
        }
        let layer = folder.url.appendingPathComponent("layer.tar.gz")
        try run("tar", ["--create", "--gzip", "--sort=name", "--file", layer.path, "--directory", tree.path, "."])
        return layer
    }

    @Test func aCustomPatternAppliesOnlyUnderItsPathsAndAboveItsEntropy() throws {
        let random = "Q7fK2mZx9LpR4vTb", flat = "aaaaaaaabbbbbbbb"
        let folder = try TemporaryDirectory("custom-pattern")
        let file = try layer([
            "srv/app.conf": "name = x\nticket = TKT-\(random)\nother = TKT-\(flat)\n",
            "srv/sub/app.txt": "ticket = TKT-\(random)\n",
            "home/app.conf": "ticket = TKT-\(random)\n",
        ], in: folder)
        let report = try Scans.scanFile(file, mediaType: nil, scanner: LayerScanner(patterns: [Self.ticket]))
        #expect(report.outcome == .scanned)
        // "srv/*.conf" matches srv/app.conf only: fnmatch without FNM_PATHNAME lets * cross "/", but the suffix differs.
        #expect(report.findings == [SecretFinding(rule: "ticket", path: "srv/app.conf", line: 2, preview: "Q7fK…",
                                                  fingerprint: Scans.sha256(random))])
    }

    @Test func badRulesSayWhatIsWrong() {
        #expect(throws: SecretPatternError.self) {
            try SecretPattern(id: "broken", description: "", regex: "([a-z", keywords: ["a"])
        }
        do {
            _ = try SecretPattern(id: "broken", description: "", regex: "([a-z", keywords: ["a"])
        } catch {
            #expect("\(error)".hasPrefix("secret pattern \"broken\": invalid regular expression /([a-z/: "))
        }
        #expect(throws: SecretPatternError(id: "blind", reason: "no keywords: a rule needs at least one literal its matches contain")) {
            try SecretPattern(id: "blind", description: "", regex: "[a-z]{20}", keywords: [])
        }
    }

    @Test func builtInRulesHaveTheirIDs() {
        #expect(SecretPattern.builtIn.map(\.id) == [
            "aws-access-key-id", "aws-secret-access-key", "github-token", "gitlab-token", "slack-token", "slack-webhook-url",
            "private-key", "google-api-key", "stripe-live-key", "npm-token", "generic-password",
        ])
    }

    @Test func theScannerFingerprintFollowsPatternsAndLimits() {
        let standard = LayerScanner()
        #expect(standard.fingerprint == LayerScanner().fingerprint)
        #expect(standard.fingerprint.hasPrefix("sha256:") && standard.fingerprint.count == 71)
        #expect(LayerScanner(patterns: [Self.ticket]).fingerprint != standard.fingerprint)
        #expect(LayerScanner(limits: ScanLimits(maxEntries: 10)).fingerprint != standard.fingerprint)
    }
}
