import Foundation
import TestSupport
import Testing

/// Retention end to end: skopeo pushes 30 tags, `berth retention plan` lists exactly what the next run deletes, the
/// run deletes exactly that, fsck stays clean, and a plan for a lower `keepLast` names exactly the tags it would add.
@Suite("retention cycle", .timeLimit(.minutes(5)))
struct RetentionCycleTests {
    static func declarations(keepLast: Int) -> String {
        DeclarationFixtures.privateAndPublicTiers + """

            ---
            apiVersion: berth.dev/v1alpha1
            kind: Tier
            metadata: {name: short}
            spec:
              retention: {keepLast: \(keepLast), protect: ["stable"]}
            ---
            apiVersion: berth.dev/v1alpha1
            kind: Repository
            metadata: {name: "keep/**"}
            spec: {tier: short}

            """
    }

    struct Report: Decodable {
        struct Repository: Decodable {
            struct Deletion: Decodable {
                struct Target: Decodable { var tag: String?; var manifest: String? }
                var target: Target
                var reason: String
            }
            var repository: String
            var deletions: [Deletion]
        }
        var applied: Bool
        var repositories: [Repository]
        var deletedTagNames: [String] { repositories.flatMap { $0.deletions.compactMap(\.target.tag) }.sorted() }
    }

    @Test("plan, run, fsck, and a keepLast change shown before it is applied")
    func retentionCycle() async throws {
        try await withTemporaryDirectory("retention") { tmp in
            let root = tmp.url.appendingPathComponent("layout")
            let writer = try OCILayoutWriter(root: root)
            let names = (0..<30).map { String(format: "t%02d", $0) }
            for name in names + ["stable"] {
                let image = try await writer.addImage(layerFiles: [["etc/version": Data(name.utf8)]], labels: ["tag": name], scratch: tmp.url)
                try writer.tag(image.manifest, as: name)
            }
            let declarations = tmp.url.appendingPathComponent("declarations")
            try FileManager.default.createDirectory(at: declarations, withIntermediateDirectories: true)
            try Data(Self.declarations(keepLast: 5).utf8).write(to: declarations.appendingPathComponent("retention.yaml"))
            let lower = tmp.url.appendingPathComponent("lower")
            try FileManager.default.createDirectory(at: lower, withIntermediateDirectories: true)
            try Data(Self.declarations(keepLast: 3).utf8).write(to: lower.appendingPathComponent("retention.yaml"))
            let tokenFile = tmp.url.appendingPathComponent("admin.secret")
            try Data(TestEnvironment.adminPassword.utf8).write(to: tokenFile)
            let data = tmp.url.appendingPathComponent("data")

            try await withServe(data: data, logs: tmp.url, ["--declarations", declarations.path, "--interval", "1s", "--retention-interval", "1h"]) { server in
                let skopeo = try Skopeo(workDirectory: tmp.url, server: server)
                let admin = "admin:\(TestEnvironment.adminPassword)"
                // One after another: the store keeps push times to a fraction of a second, so "the 5 most recently pushed"
                // are t25…t29 even when all 31 pushes fall within one second.
                for name in ["stable"] + names {
                    try await skopeo.succeed(["copy", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", admin,
                                              "oci:\(root.path):\(name)", "docker://\(server.host)/keep/app:\(name)"], "push \(name)")
                }
                let base = ["--registry", server.baseURL.absoluteString, "--token-file", tokenFile.path]
                let planned = try await runCommand(TestEnvironment.berthBinary, ["retention", "plan", "--format", "json"] + base)
                #expect(planned.succeeded, "\(planned)")
                let plan = try JSONDecoder().decode(Report.self, from: planned.stdout)
                #expect(!plan.applied && plan.deletedTagNames == Array(names.prefix(25)), "\(plan.deletedTagNames)")

                let lowered = try await runCommand(TestEnvironment.berthBinary, ["plan", "--declarations", lower.path] + base)
                #expect(lowered.stdoutString.contains("keep/app: 2 tags would be deleted (keepLast 5, protect [stable] → keepLast 3, protect [stable])")
                    && lowered.stdoutString.contains("t25, t26"), "\(lowered.summary)")

                let ran = try await runCommand(TestEnvironment.berthBinary, ["retention", "run", "--format", "json"] + base)
                #expect(ran.succeeded, "\(ran)")
                let run = try JSONDecoder().decode(Report.self, from: ran.stdout)
                #expect(run.applied && run.deletedTagNames == plan.deletedTagNames, "the run deletes exactly what the plan listed")
                let tags = try await skopeo.succeed(["list-tags", "--tls-verify=false", "--creds", admin, "docker://\(server.host)/keep/app"], "list tags")
                for name in names.suffix(5) + ["stable"] { #expect(tags.stdoutString.contains("\"\(name)\""), "\(name) kept") }
                for name in names.prefix(25) { #expect(!tags.stdoutString.contains("\"\(name)\""), "\(name) deleted") }
                let again = try await runCommand(TestEnvironment.berthBinary, ["retention", "plan"] + base)
                #expect(again.stdoutString.contains("Nothing to delete."), "\(again)")
            }
            let fsck = try await runFsck(dataDirectory: data)
            #expect(fsck.succeeded, "\(fsck)")
        }
    }
}
