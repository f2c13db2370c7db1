import Foundation
import TestSupport
import Testing

/// `berth scan`, the CI pre-flight, on images Python wrote: exit statuses, every finding, SARIF, and the policy and
/// exceptions of declarations.
@Suite("berth scan", .timeLimit(.minutes(5)))
struct ScanCommandTests {
    func scan(_ arguments: [String]) async throws -> CommandResult {
        try await runCommand(TestEnvironment.berthBinary, ["scan"] + arguments, timeout: .seconds(60))
    }

    @Test("exit statuses: clean 0, secrets 2, unscannable 3, a missing image 1; findings named with path, line and layer")
    func exitStatusesAndFindings() async throws {
        try await withTemporaryDirectory("scan-cli") { tmp in
            for name in ["clean", "secrets", "gzip-bomb"] { try buildImageFixture(name, as: .oci, at: tmp.url.appendingPathComponent(name)) }
            let clean = try await scan(["oci:\(tmp.url.path)/clean"])
            #expect(clean.status == 0 && clean.stdoutString.contains("accepted: no secrets found"), "\(clean.summary)")

            let secrets = try await scan(["oci:\(tmp.url.path)/secrets:latest"])
            #expect(secrets.status == 2, "\(secrets.summary)")
            for expected in ["refused: 4 secrets found", "private-key at root/.ssh/id_rsa:1 (layer 1,", "github-token at etc/app/config.yaml:"] {
                #expect(secrets.stdoutString.contains(expected), "\(expected) missing: \(secrets.stdoutString)")
            }
            let bomb = try await scan(["oci:\(tmp.url.path)/gzip-bomb"])
            #expect(bomb.status == 3 && bomb.stdoutString.contains("unscannable"), "\(bomb.summary)")
            let missing = try await scan(["oci:\(tmp.url.path)/nothing-here"])
            #expect(missing.status == 1 && !missing.stderrString.isEmpty, "\(missing.summary)")

            let planted = Array(try plantedSecrets().values)
            for output in [secrets.stdoutString, secrets.stderrString] {
                #expect(!planted.contains { output.contains($0) }, "berth scan printed a planted secret")
            }
        }
    }

    @Test("on a terminal, a long scan shows its progress on standard error; piped, it prints none")
    func progressOnATerminal() async throws {
        try await withTemporaryDirectory("scan-progress") { tmp in
            let layout = tmp.url.appendingPathComponent("large-clean")
            try buildImageFixture("large-clean", as: .oci, at: layout)
            // script(1) runs the command on a pseudo-terminal and copies what it shows.
            let script = URL(fileURLWithPath: try requiredTool("script", package: "bsdutils"))
            let command = [TestEnvironment.berthBinary.path, "scan", "oci:\(layout.path)"].map(shellQuote).joined(separator: " ")
            let onTerminal = try await runCommand(script, ["-qec", command, "/dev/null"], timeout: .seconds(120))
            #expect(onTerminal.status == 0, "\(onTerminal.summary)")
            #expect(onTerminal.stdoutString.contains("scanning: ") && onTerminal.stdoutString.contains("%)"), "\(onTerminal.stdoutString)")
            let piped = try await scan(["oci:\(layout.path)"])
            #expect(piped.status == 0 && !piped.stderrString.contains("scanning: ") && !piped.stdoutString.contains("scanning: "), "\(piped.summary)")
        }
    }

    @Test("a docker-archive gives the same findings as the OCI layout; JSON and SARIF carry them")
    func formats() async throws {
        try await withTemporaryDirectory("scan-formats") { tmp in
            let layout = tmp.url.appendingPathComponent("secrets"), archive = tmp.url.appendingPathComponent("secrets.tar")
            try buildImageFixture("secrets", as: .oci, at: layout)
            try buildImageFixture("secrets", as: .dockerArchive, at: archive)
            struct Document: Decodable {
                struct Finding: Decodable, Equatable { var rule: String; var path: String; var line: Int; var fingerprint: String }
                var accepted: Bool
                var findings: [Finding]
            }
            let fromLayout = try await scan(["oci:\(layout.path)", "--format", "json"])
            let fromArchive = try await scan(["docker-archive:\(archive.path)", "--format", "json"])
            let layoutDocument = try JSONDecoder().decode(Document.self, from: fromLayout.stdout)
            let archiveDocument = try JSONDecoder().decode(Document.self, from: fromArchive.stdout)
            #expect(!layoutDocument.accepted && layoutDocument.findings.count == 4, "\(fromLayout.summary)")
            #expect(layoutDocument.findings == archiveDocument.findings)

            let sarif = try await scan(["oci:\(layout.path)", "--format", "sarif"])
            #expect(sarif.status == 2)
            let log = try #require(try JSONSerialization.jsonObject(with: sarif.stdout) as? [String: Any])
            #expect(log["version"] as? String == "2.1.0")
            let run = try #require((log["runs"] as? [[String: Any]])?.first)
            let results = try #require(run["results"] as? [[String: Any]])
            #expect(Set(results.compactMap { $0["ruleId"] as? String }) == ["aws-access-key-id", "aws-secret-access-key", "private-key", "github-token"])
            let key = try #require(results.first { $0["ruleId"] as? String == "private-key" })
            let location = ((key["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
            #expect((location?["artifactLocation"] as? [String: Any])?["uri"] as? String == "layer-1/root/.ssh/id_rsa")
            #expect((location?["region"] as? [String: Any])?["startLine"] as? Int == 1)
            let rules = ((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]] ?? []
            #expect(rules.contains { $0["id"] as? String == "generic-password" }, "every pattern is described")
        }
    }

    @Test("with declarations: a SecretException accepts its finding, a warning tier exits 0, a SecretRule finds its own pattern")
    func declarationsJudgeTheScan() async throws {
        try await withTemporaryDirectory("scan-declarations") { tmp in
            let layout = tmp.url.appendingPathComponent("secrets")
            try buildImageFixture("secrets", as: .oci, at: layout)
            let declarations = tmp.url.appendingPathComponent("declarations")
            try FileManager.default.createDirectory(at: declarations, withIntermediateDirectories: true)
            try Data("""
                apiVersion: berth.dev/v1alpha1
                kind: Tier
                metadata: {name: strict}
                spec: {scanning: {secrets: {onPush: block}}}
                ---
                apiVersion: berth.dev/v1alpha1
                kind: Tier
                metadata: {name: lenient}
                spec: {scanning: {secrets: {onPush: warn}}}
                ---
                apiVersion: berth.dev/v1alpha1
                kind: Repository
                metadata: {name: "team/*"}
                spec: {tier: strict}
                ---
                apiVersion: berth.dev/v1alpha1
                kind: SecretException
                metadata: {name: test-keys}
                spec:
                  rule: private-key
                  repositories: ["team/*"]
                  paths: ["root/.ssh/**"]
                  expires: 2099-01-01
                  reason: fixture keys
                ---
                apiVersion: berth.dev/v1alpha1
                kind: SecretRule
                metadata: {name: replica-count}
                spec:
                  description: a stand-in for a site's own token format
                  regex: 'replicas: [0-9]+'
                  keywords: ["replicas"]
                  paths: ["etc/app/**"]

                """.utf8).write(to: declarations.appendingPathComponent("policy.yaml"))

            let repository = try await scan(["oci:\(layout.path)", "--declarations", declarations.path, "--repository", "team/app", "--format", "json"])
            #expect(repository.status == 2, "\(repository.summary)")
            let text = repository.stdoutString
            #expect(text.contains("\"exception\" : \"test-keys\""), "the private key is accepted: \(text)")
            #expect(text.contains("\"rule\" : \"replica-count\""), "the declared rule found its pattern: \(text)")

            let lenient = try await scan(["oci:\(layout.path)", "--declarations", declarations.path, "--tier", "lenient"])
            #expect(lenient.status == 0 && lenient.stdoutString.contains("none blocking"), "\(lenient.summary)")
            let undeclared = try await scan(["oci:\(layout.path)", "--declarations", declarations.path, "--repository", "other/app"])
            #expect(undeclared.status == 1 && undeclared.stderrString.contains("no Repository declaration"), "\(undeclared.summary)")
        }
    }
}
