import Foundation
import TestSupport
import Testing

/// `berth diff BASE..HEAD` and `berth validate` over real git repositories.
@Suite("berth diff / validate", .timeLimit(.minutes(5)))
struct DiffValidateTests {
    static let brokenTier = """
        apiVersion: berth.dev/v1alpha1
        kind: Tier
        metadata:
          name: broken
        spec:
          description: a: b

        """

    @Test("diff BASE..HEAD shows exactly the changed objects, without a registry; 2/0/1 with --detailed-exitcode")
    func diffBetweenCommits() async throws {
        try await withTemporaryDirectory("diff") { tmp in
            let repo = try await DeclarationsRepo.create(at: tmp.url.appendingPathComponent("decl"))
            let base = try await repo.commit("examples")
            // HEAD: one update (Tier internal), one create (Repository web/blog), one delete (the exception).
            try repo.replace(in: "tiers/tiers.yaml", "keepLast: 20", with: "keepLast: 25")
            try repo.write("repositories/blog.yaml", """
                apiVersion: berth.dev/v1alpha1
                kind: Repository
                metadata:
                  name: web/blog
                spec:
                  tier: internal
                  description: The company blog.

                """)
            try repo.remove("exceptions/cve-2024-45337-payments.yaml")
            let head = try await repo.commit("three changes")
            try await repo.git(["branch", "feature"])
            let work = try tmp.subdirectory("cwd")
            let common = ["--git", repo.path, "--git-cache", tmp.url.appendingPathComponent("cache").path]

            let json = try await berth(["diff", "\(base)..\(head)", "--format", "json", "--detailed-exitcode"] + common, in: work)
            expectExit(json, 2, "diff with changes")
            let plan = try PlanDocument.decode(json.stdout, what: "diff --format json")
            #expect(Set(plan.ids) == ["update Tier/internal", "create Repository/web/blog",
                                      "delete VulnerabilityException/cve-2024-45337-payments"], "\(plan.ids)")
            #expect(plan.ids.last == "delete VulnerabilityException/cve-2024-45337-payments", "deletes come last: \(plan.ids)")
            #expect(plan.change("Tier", "internal")?.fields.map(\.path) == ["retention.keepLast"])
            #expect(plan.source.commit == head)
            #expect(plan.summary.create == 1 && plan.summary.update == 1 && plan.summary.delete == 1 && plan.summary.destructive == 0)

            // Branch names work as well as commits; without --detailed-exitcode a diff with changes exits 0.
            let text = try await berth(["diff", "main~1..feature"] + common, in: work)
            expectExit(text, 0, "diff without --detailed-exitcode")
            #expect(text.stdoutString.contains("Plan: 1 to create, 1 to update, 1 to delete."), "\(text.summary)")
            let markdown = try await berth(["diff", "\(base)..main", "--format", "markdown"] + common, in: work)
            expectExit(markdown, 0, "diff --format markdown")
            #expect(markdown.stdoutString.contains("Effective policy"), "\(markdown.summary)")

            let same = try await berth(["diff", "main..feature", "--detailed-exitcode"] + common, in: work)
            expectExit(same, 0, "diff of two names for the same commit")
            #expect(same.stdoutString.contains("No changes."), "\(same.summary)")

            // No registry was needed and none was created in the working directory.
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: work.path)
            #expect(leftovers.isEmpty, "diff wrote into its working directory: \(leftovers)")

            // HEAD that does not validate: exit 1, file:line:column on stderr.
            try repo.write("tiers/broken.yaml", Self.brokenTier)
            let broken = try await repo.commit("broken tier")
            let invalid = try await berth(["diff", "\(head)..\(broken)", "--detailed-exitcode"] + common, in: work)
            expectExit(invalid, 1, "diff to an invalid HEAD")
            #expect(invalid.stderrString.contains("tiers/broken.yaml:6:17: "), "file:line:column of the error\n\(invalid.summary)")

            let badRange = try await berth(["diff", "\(head)", "--detailed-exitcode"] + common, in: work)
            #expect(badRange.status != 0 && badRange.status != 2, "a range without `..` is an error\n\(badRange.summary)")
        }
    }

    @Test("validate: the examples are valid; a broken file in a git ref is reported as file:line:column, exit 1")
    func validateGitRef() async throws {
        try await withTemporaryDirectory("validate") { tmp in
            let examples = TestEnvironment.packageRoot.appendingPathComponent("examples").path
            let folder = try await berth(["validate", examples])
            expectExit(folder, 0, "validate examples/")
            #expect(folder.stdoutString.hasPrefix("valid: "), "\(folder.summary)")
            expectExit(try await berth(["validate", "--declarations", examples]), 0, "validate --declarations examples/")

            // Declarations in a subfolder of the repository, next to YAML that is not declarations.
            let repo = try await DeclarationsRepo.create(at: tmp.url.appendingPathComponent("decl"), subfolder: "registry")
            try repo.write("ci/pipeline.yaml", "steps: [\n")
            let good = try await repo.commit("examples under registry/")
            let common = ["--git", repo.path, "--path", "registry", "--git-cache", tmp.url.appendingPathComponent("cache").path]
            let valid = try await berth(["validate", "--ref", "main"] + common)
            expectExit(valid, 0, "validate --git --path registry")
            #expect(valid.stdoutString.contains("commit \(good.prefix(12))"), "\(valid.summary)")

            // Broken YAML.
            try repo.write("registry/tiers/broken.yaml", Self.brokenTier)
            let syntax = try await repo.commit("broken yaml")
            let yamlError = try await berth(["validate", "--ref", "main"] + common)
            expectExit(yamlError, 1, "validate a commit with broken YAML")
            #expect(yamlError.stderrString.contains("registry/tiers/broken.yaml:6:17: invalid YAML"), "\(yamlError.summary)")
            #expect(yamlError.stderrString.contains("commit \(syntax.prefix(12))"), "\(yamlError.summary)")

            // Well-formed YAML with schema errors, on another branch: every error, each at its position.
            try await repo.git(["checkout", "-q", "-b", "schema", good])
            try repo.write("registry/tiers/broken.yaml", """
                apiVersion: berth.dev/v1alpha1
                kind: Tier
                metadata:
                  name: broken
                spec:
                  descripton: typo
                  retention: {keepLast: -3}

                """)
            try await repo.commit("schema errors")
            let schema = try await berth(["validate", "--ref", "schema"] + common)
            expectExit(schema, 1, "validate a commit with schema errors")
            let lines = schema.stderrString.split(separator: "\n").map(String.init)
            #expect(lines.contains { $0.hasPrefix("registry/tiers/broken.yaml:6:3: unknown field 'descripton'") }, "\(schema.summary)")
            #expect(lines.contains { $0.hasPrefix("registry/tiers/broken.yaml:7:25: spec.retention.keepLast") }, "\(schema.summary)")
            #expect(lines.contains { $0.contains("2 error(s)") }, "\(schema.summary)")

            // The good commit, by hash, still validates; so does main~1.
            expectExit(try await berth(["validate", "--ref", good] + common), 0, "validate the good commit by hash")
            expectExit(try await berth(["validate", "--ref", "main~1"] + common), 0, "validate main~1")
            // An unknown ref is an error, not a crash.
            let unknown = try await berth(["validate", "--ref", "no-such-branch"] + common)
            #expect(unknown.status == 1 || unknown.status == 64, "unknown ref\n\(unknown.summary)")
            #expect(unknown.stderrString.contains("no-such-branch"), "\(unknown.summary)")
        }
    }
}
