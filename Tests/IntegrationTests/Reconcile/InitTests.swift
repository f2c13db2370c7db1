import Foundation
import TestSupport
import Testing

/// `berth init DIR`: a new declarations repository anywhere, so a tour never edits the project's own files.
@Suite("berth init", .timeLimit(.minutes(5)))
struct InitTests {
    @Test("init writes the examples as one commit on main; the result validates and plans; a non-empty folder is refused")
    func initCreatesARepositoryOfTheExamples() async throws {
        try await withTemporaryDirectory("init") { tmp in
            let target = tmp.url.appendingPathComponent("tour")
            let created = try await berth(["init", target.path], in: tmp.url)
            expectExit(created, 0, "berth init")
            let log = try await runCommand(URL(fileURLWithPath: "/usr/bin/git"), ["-C", target.path, "log", "--format=%s", "main"])
            #expect(String(decoding: log.stdout, as: UTF8.self) == "Declarations from berth init\n", "\(log.summary)")
            let status = try await runCommand(URL(fileURLWithPath: "/usr/bin/git"), ["-C", target.path, "status", "--porcelain"])
            #expect(status.stdout.isEmpty, "everything is committed: \(status.summary)")
            #expect(FileManager.default.fileExists(atPath: target.appendingPathComponent("tiers/tiers.yaml").path))

            expectExit(try await berth(["validate", "--git", target.path, "--ref", "main"], in: tmp.url), 0, "validate the new repository")
            let plan = try await berth(["plan", "--git", target.path, "--ref", "main", "--data", tmp.url.appendingPathComponent("data").path,
                                        "--detailed-exitcode"], in: tmp.url)
            expectExit(plan, 2, "a plan against an empty registry creates everything")

            let again = try await berth(["init", target.path], in: tmp.url)
            expectExit(again, 1, "init into a non-empty folder")
            #expect(String(decoding: again.stderr, as: UTF8.self).contains("exists and is not empty"), "\(again.summary)")
        }
    }
}
