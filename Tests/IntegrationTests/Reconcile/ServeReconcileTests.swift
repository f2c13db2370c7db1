import Foundation
import TestSupport
import Testing

/// The reconcile loop of `berth serve --git …`: applying commits, drift detection and revert, report-only mode,
/// refusing invalid and untrusted commits; and the admin API's authentication.
@Suite("berth serve reconcile loop", .timeLimit(.minutes(5)))
struct ServeReconcileTests {
    static let exception = ["op": "delete", "kind": "VulnerabilityException", "name": "cve-2024-45337-payments"]

    /// Waits until the status reports `commit` as applied and Ready True.
    static func waitApplied(_ commit: String, _ admin: AdminClient, timeout: Duration = .seconds(10)) async throws -> StatusDocument {
        try await waitUntil("commit \(commit.prefix(12)) is applied (Ready True)", timeout: timeout, server: admin.server) {
            let status = try await admin.status()
            return status.lastAppliedCommit == commit && status.has("Ready", "True") ? .done(status) : .notYet("\(status)")
        }
    }

    /// `berth plan --registry … --detailed-exitcode` of `ref`: 0 when the live state matches it.
    static func planAgainst(_ server: BerthProcess, secretFile: URL, repo: DeclarationsRepo, ref: String,
                            cache: URL) async throws -> CommandResult {
        try await berth(["plan", "--git", repo.path, "--ref", ref, "--git-cache", cache.path, "--detailed-exitcode",
                         "--registry", server.baseURL.absoluteString, "--token-file", secretFile.path])
    }

    @Test("serve --git: commits are applied, drift is detected and reverted, an invalid commit changes nothing")
    func reconcileLoop() async throws {
        try await withTemporaryDirectory("serve-git") { tmp in
            let repo = try await DeclarationsRepo.create(at: tmp.url.appendingPathComponent("decl"))
            let commitA = try await repo.commit("examples")
            let secretFile = try writeSecret("loop-secret", in: tmp.url)
            let cache = tmp.url.appendingPathComponent("cache")
            try await withServe(data: tmp.url.appendingPathComponent("data"), logs: tmp.url, [
                "--admin-password-file", secretFile.path, "--git", repo.path, "--ref", "main", "--interval", "1s",
                "--git-cache", cache.path,
            ]) { server in
                try await withAdmin(server, secret: "loop-secret") { admin in
                    // The first commit is applied at start.
                    let first = try await Self.waitApplied(commitA, admin)
                    #expect(first.mode == "enforce")
                    #expect(first.source?.contains(repo.path) == true, "status source: \(first.source ?? "nil")")
                    expectExit(try await Self.planAgainst(server, secretFile: secretFile, repo: repo, ref: commitA, cache: cache), 0,
                               "the live state matches commit A")

                    // A new commit is applied within a few seconds.
                    try repo.replace(in: "tiers/tiers.yaml", "keepLast: 20", with: "keepLast: 25")
                    let commitB = try await repo.commit("keep 25")
                    let applied = try await Self.waitApplied(commitB, admin, timeout: .seconds(8))
                    #expect(applied.failures == 0, "\(applied)")
                    #expect(try await admin.state().canonical("Tier", "internal")?["spec"]?["retention"]?["keepLast"] == .int(25))
                    let revisionsB = try await admin.revisions()
                    #expect(revisionsB.first?.source.actor == "reconciler" && revisionsB.first?.source.commit == commitB,
                            "the latest revision is the reconciler's apply of B: \(revisionsB.first.map { "\($0)" } ?? "none")")
                    let synced = try await admin.state()

                    // A change outside git: detected as drift, and reverted at the next reconcile.
                    try await admin.postChanges([Self.exception], expectedFingerprint: synced.fingerprint)
                    let drifted = try await waitUntil("the drift is detected", server: server) {
                        let status = try await admin.status()
                        return status.driftDetections >= 1 ? .done(status) : .notYet("\(status)")
                    }
                    // The same reconcile detects and reverts, so Drifted=True may be over before a poll sees it;
                    // the drift list (kept until the next check) and the log say what was found.
                    if !drifted.drift.isEmpty {
                        #expect(drifted.drift == ["VulnerabilityException/cve-2024-45337-payments"], "\(drifted)")
                    }
                    let log = server.stderr
                    #expect(log.contains("drift: the live configuration was changed outside git")
                            && log.contains("VulnerabilityException/cve-2024-45337-payments"), "the drift is logged\n\(server.logTail())")
                    let reverted = try await waitUntil("the drift is reverted", server: server) {
                        let state = try await admin.state()
                        return state.fingerprint == synced.fingerprint ? .done(state) : .notYet("fingerprint \(state.fingerprint), want \(synced.fingerprint)")
                    }
                    #expect(reverted.object("VulnerabilityException", "cve-2024-45337-payments") != nil)
                    let revisions = try await admin.revisions(limit: 3)
                    #expect(revisions.map(\.source.actor).prefix(2) == ["reconciler", "admin-api"],
                            "the admin-api change, then the reconciler's revert: \(revisions.map { "\($0.id) \($0.source.actor)" })")
                    let metrics = try await admin.metrics()
                    #expect((metrics["berth_drift_detections_total"] ?? 0) >= 1, "metrics: \(metrics)")
                    #expect(metrics["berth_ready"] == 1, "metrics: \(metrics)")
                    expectExit(try await Self.planAgainst(server, secretFile: secretFile, repo: repo, ref: commitB, cache: cache), 0,
                               "the live state matches commit B again")
                    // Once reverted, the next reconcile finds no drift.
                    let inSync = try await waitUntil("the drift condition clears", server: server) {
                        let status = try await admin.status()
                        return status.has("Drifted", "False") && status.drift.isEmpty ? .done(status) : .notYet("\(status)")
                    }
                    #expect(inSync.has("Ready", "True"), "\(inSync)")

                    // A commit that fails validation: refused, reported, and the last good state stays.
                    try repo.write("tiers/broken.yaml", DiffValidateTests.brokenTier)
                    let commitC = try await repo.commit("broken tier")
                    let failed = try await waitUntil("the invalid commit is refused", server: server) {
                        let status = try await admin.status()
                        return status.lastAttemptedCommit == commitC && status.has("Ready", "False", reason: "ValidationFailed")
                            ? .done(status) : .notYet("\(status)")
                    }
                    #expect(failed.failures >= 1, "\(failed)")
                    #expect(failed.lastAppliedCommit == commitB, "\(failed)")
                    #expect(failed.condition("Ready")?.message.contains("tiers/broken.yaml:6:17") == true,
                            "the condition names the error: \(failed)")
                    let failedMetrics = try await admin.metrics()
                    #expect(failedMetrics["berth_ready"] == 0 && (failedMetrics["berth_reconcile_failures_total"] ?? 0) >= 1,
                            "metrics: \(failedMetrics)")
                    #expect(try await admin.state().fingerprint == synced.fingerprint, "the invalid commit changed the registry")

                    // Fixing it recovers.
                    try repo.remove("tiers/broken.yaml")
                    let commitD = try await repo.commit("remove the broken tier")
                    let recovered = try await Self.waitApplied(commitD, admin)
                    #expect(recovered.has("Ready", "True"), "\(recovered)")
                }
            }
        }
    }

    @Test("serve --report-only: drift is detected and reported but not reverted; commits are not applied")
    func reportOnly() async throws {
        try await withTemporaryDirectory("serve-report") { tmp in
            let repo = try await DeclarationsRepo.create(at: tmp.url.appendingPathComponent("decl"))
            let commitA = try await repo.commit("examples")
            let secretFile = try writeSecret("report-secret", in: tmp.url)
            let cache = tmp.url.appendingPathComponent("cache")
            let data = tmp.url.appendingPathComponent("data")
            try requireExit(try await berth(["apply", "--git", repo.path, "--ref", "main", "--git-cache", cache.path,
                                             "--data", data.path, "--auto-approve"]), 0, "apply A before serving")
            try await withServe(data: data, logs: tmp.url, [
                "--admin-password-file", secretFile.path, "--git", repo.path, "--ref", "main", "--interval", "1s",
                "--git-cache", cache.path, "--report-only",
            ]) { server in
                try await withAdmin(server, secret: "report-secret") { admin in
                    let synced = try await waitUntil("the report-only loop finds the registry in sync", server: server) {
                        let status = try await admin.status()
                        return status.has("Ready", "True") && status.lastAppliedCommit == commitA ? .done(status) : .notYet("\(status)")
                    }
                    #expect(synced.mode == "report-only")
                    let before = try await admin.state()
                    try await admin.postChanges([Self.exception])
                    let changed = try await admin.state()

                    let drifted = try await waitUntil("the drift is reported", server: server) {
                        let status = try await admin.status()
                        return status.has("Drifted", "True") ? .done(status) : .notYet("\(status)")
                    }
                    #expect(drifted.drift == ["VulnerabilityException/cve-2024-45337-payments"], "\(drifted)")
                    #expect(drifted.driftDetections >= 1)
                    let metrics = try await admin.metrics()
                    #expect(metrics["berth_drifted"] == 1 && (metrics["berth_drift_detections_total"] ?? 0) >= 1
                            && metrics["berth_drift_objects"] == 1, "metrics: \(metrics)")

                    // Two more steps of the loop, counted rather than waited for: still not reverted.
                    let later = try await waitUntil("two more reconcile steps", server: server) {
                        let status = try await admin.status()
                        return status.reconciliations >= drifted.reconciliations + 2 ? .done(status) : .notYet("\(status)")
                    }
                    #expect(later.has("Drifted", "True"), "\(later)")
                    #expect(later.has("Ready", "False", reason: "ChangesPending"), "\(later)")
                    let state = try await admin.state()
                    #expect(state.fingerprint == changed.fingerprint && state.fingerprint != before.fingerprint,
                            "report-only must not revert the drift")
                    #expect(try await admin.revisions(limit: 1).first?.source.actor == "admin-api",
                            "report-only must not write a revision")

                    // A new commit is not applied either.
                    try repo.replace(in: "tiers/tiers.yaml", "keepLast: 20", with: "keepLast: 25")
                    let commitB = try await repo.commit("keep 25")
                    let attempted = try await waitUntil("the new commit is looked at", server: server) {
                        let status = try await admin.status()
                        return status.lastAttemptedCommit == commitB ? .done(status) : .notYet("\(status)")
                    }
                    let final = try await waitUntil("one more reconcile step after it", server: server) {
                        let status = try await admin.status()
                        return status.reconciliations > attempted.reconciliations ? .done(status) : .notYet("\(status)")
                    }
                    #expect(final.lastAppliedCommit == commitA, "\(final)")
                    #expect(try await admin.state().fingerprint == changed.fingerprint, "report-only applied a commit")
                }
            }
        }
    }

    /// spec/admin-api.md: "A change made with any actor other than reconciler is, by definition, a change outside
    /// git". `berth apply` of the watched commit writes as actor `reconciler` with that commit: it is git's own
    /// state, the normal way to apply when the loop only reports.
    @Test("serve --report-only: `berth apply` of the watched head commit is not reported as drift")
    func reportOnlyManualApplyIsNotDrift() async throws {
        try await withTemporaryDirectory("serve-report-apply") { tmp in
            let repo = try await DeclarationsRepo.create(at: tmp.url.appendingPathComponent("decl"))
            let commitA = try await repo.commit("examples")
            let secretFile = try writeSecret("report-apply-secret", in: tmp.url)
            let cache = tmp.url.appendingPathComponent("cache")
            let data = tmp.url.appendingPathComponent("data")
            let source = ["--git", repo.path, "--ref", "main", "--git-cache", cache.path]
            try requireExit(try await berth(["apply", "--data", data.path, "--auto-approve"] + source), 0, "apply A before serving")
            try await withServe(data: data, logs: tmp.url, [
                "--admin-password-file", secretFile.path, "--interval", "1s", "--report-only",
            ] + source) { server in
                try await withAdmin(server, secret: "report-apply-secret") { admin in
                    _ = try await waitUntil("the report-only loop finds the registry in sync", server: server) {
                        let status = try await admin.status()
                        return status.has("Ready", "True") && status.lastAppliedCommit == commitA ? .done(status) : .notYet("\(status)")
                    }
                    try repo.replace(in: "tiers/tiers.yaml", "keepLast: 20", with: "keepLast: 25")
                    let commitB = try await repo.commit("keep 25")
                    _ = try await waitUntil("the new commit is reported as pending", server: server) {
                        let status = try await admin.status()
                        return status.lastAttemptedCommit == commitB && status.has("Ready", "False", reason: "ChangesPending")
                            ? .done(status) : .notYet("\(status)")
                    }
                    // The operator applies the reported changes from git with the command line.
                    let target = ["--registry", server.baseURL.absoluteString, "--token-file", secretFile.path]
                    try requireExit(try await berth(["apply", "--auto-approve"] + source + target), 0, "berth apply of the head commit")
                    let revision = try #require(try await admin.revisions(limit: 1).first)
                    #expect(revision.source.actor == "reconciler" && revision.source.commit == commitB, "\(revision)")

                    let synced = try await waitUntil("the loop sees the registry in sync with B", server: server) {
                        let status = try await admin.status()
                        return status.has("Ready", "True") && status.lastAppliedCommit == commitB ? .done(status) : .notYet("\(status)")
                    }
                    #expect(synced.driftDetections == 0,
                            "applying the watched commit with `berth apply` (actor reconciler, commit B) was reported as drift\n\(synced)")
                    #expect((try await admin.metrics()["berth_drift_detections_total"]) == 0)
                }
            }
        }
    }

    @Test("--require-signed-commits: a trusted signed commit is applied; unsigned and foreign-signed heads are refused")
    func signedCommits() async throws {
        let keygen = URL(fileURLWithPath: try requiredTool("ssh-keygen", package: "openssh-client"))
        try await withTemporaryDirectory("serve-signed") { tmp in
            let trustedKey = tmp.url.appendingPathComponent("ci_ed25519")
            let otherKey = tmp.url.appendingPathComponent("other_ed25519")
            for key in [trustedKey, otherKey] {
                let made = try await runCommand(keygen, ["-q", "-t", "ed25519", "-N", "", "-C", key.lastPathComponent, "-f", key.path])
                try requireExit(made, 0, "ssh-keygen")
            }
            let publicKey = try String(contentsOf: trustedKey.appendingPathExtension("pub"), encoding: .utf8)
                .split(separator: " ").prefix(2).joined(separator: " ")
            let allowed = tmp.url.appendingPathComponent("allowed_signers")
            try Data("# CI only\nci@example.com namespaces=\"git\" \(publicKey)\n".utf8).write(to: allowed)

            let repo = try await DeclarationsRepo.create(at: tmp.url.appendingPathComponent("decl"))
            let commitA = try await repo.commit("examples, signed", signingKey: trustedKey)
            // Sanity: git itself agrees that A is signed by the trusted key.
            try await repo.git(["-c", "gpg.ssh.allowedSignersFile=\(allowed.path)", "verify-commit", commitA])
            let secretFile = try writeSecret("signed-secret", in: tmp.url)
            try await withServe(data: tmp.url.appendingPathComponent("data"), logs: tmp.url, [
                "--admin-password-file", secretFile.path, "--git", repo.path, "--ref", "main", "--interval", "1s",
                "--git-cache", tmp.url.appendingPathComponent("cache").path,
                "--require-signed-commits", "--trusted-keys", allowed.path,
            ]) { server in
                try await withAdmin(server, secret: "signed-secret") { admin in
                    let applied = try await Self.waitApplied(commitA, admin)
                    #expect(applied.has("SourceVerified", "True"), "\(applied)")
                    let good = try await admin.state()
                    #expect(good.objects.count > 0)

                    try repo.replace(in: "tiers/tiers.yaml", "keepLast: 20", with: "keepLast: 25")
                    let unsigned = try await repo.commit("unsigned")
                    let refused = try await waitUntil("the unsigned commit is refused", server: server) {
                        let status = try await admin.status()
                        return status.lastAttemptedCommit == unsigned && status.has("Ready", "False", reason: "UntrustedCommit")
                            && status.condition("Ready")?.message.contains(String(unsigned.prefix(12))) == true
                            ? .done(status) : .notYet("\(status)")
                    }
                    #expect(refused.has("SourceVerified", "False", reason: "UntrustedCommit"), "\(refused)")
                    #expect(refused.condition("Ready")?.message.contains("not signed") == true, "\(refused)")
                    #expect(refused.lastAppliedCommit == commitA && refused.failures >= 1, "\(refused)")
                    #expect(try await admin.state().fingerprint == good.fingerprint, "an unsigned commit changed the registry")

                    try repo.replace(in: "tiers/tiers.yaml", "keepLast: 25", with: "keepLast: 26")
                    let foreign = try await repo.commit("signed by an unknown key", signingKey: otherKey)
                    let refusedForeign = try await waitUntil("the foreign-signed commit is refused", server: server) {
                        let status = try await admin.status()
                        return status.lastAttemptedCommit == foreign && status.has("Ready", "False", reason: "UntrustedCommit")
                            && status.condition("Ready")?.message.contains(String(foreign.prefix(12))) == true
                            ? .done(status) : .notYet("\(status)")
                    }
                    #expect(refusedForeign.condition("Ready")?.message.contains("is not in the allowed signers") == true,
                            "\(refusedForeign)")
                    #expect(refusedForeign.lastAppliedCommit == commitA, "\(refusedForeign)")
                    #expect(try await admin.state().fingerprint == good.fingerprint, "a foreign-signed commit changed the registry")

                    // A trusted signature on top applies everything since A.
                    try repo.replace(in: "tiers/tiers.yaml", "keepLast: 26", with: "keepLast: 27")
                    let signedAgain = try await repo.commit("signed again", signingKey: trustedKey)
                    let recovered = try await Self.waitApplied(signedAgain, admin)
                    #expect(recovered.has("SourceVerified", "True"), "\(recovered)")
                    #expect(try await admin.state().canonical("Tier", "internal")?["spec"]?["retention"]?["keepLast"] == .int(27))
                }
            }
        }
    }

    /// spec/commit-signing.md, "What is verified", 4: the key's validity window must contain the *committer time*;
    /// `git verify-commit` checks the same (it passes the committer time to `ssh-keygen -Y verify`).
    @Test("--require-signed-commits: valid-after/valid-before are checked at the committer time, as git does")
    func signedCommitValidityWindow() async throws {
        let keygen = URL(fileURLWithPath: try requiredTool("ssh-keygen", package: "openssh-client"))
        try await withTemporaryDirectory("serve-signed-window") { tmp in
            let retiredKey = tmp.url.appendingPathComponent("retired_ed25519")  // trusted until 2024-01-01
            let nextKey = tmp.url.appendingPathComponent("next_ed25519")        // trusted from 2025-01-01
            for key in [retiredKey, nextKey] {
                try requireExit(try await runCommand(keygen, ["-q", "-t", "ed25519", "-N", "", "-f", key.path]), 0, "ssh-keygen")
            }
            func publicKey(_ key: URL) throws -> String {
                try String(contentsOf: key.appendingPathExtension("pub"), encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
            }
            let allowed = tmp.url.appendingPathComponent("allowed_signers")
            try Data("""
                retired@example.com namespaces="git",valid-before="20240101Z" \(try publicKey(retiredKey))
                next@example.com namespaces="git",valid-after="20250101Z" \(try publicKey(nextKey))

                """.utf8).write(to: allowed)
            let verify = ["-c", "gpg.ssh.allowedSignersFile=\(allowed.path)", "verify-commit"]

            let repo = try await DeclarationsRepo.create(at: tmp.url.appendingPathComponent("decl"))
            // Signed in 2023 by the key then trusted: git accepts it.
            let old = try await repo.commit("signed in 2023", signingKey: retiredKey, date: "2023-06-01T12:00:00Z")
            try await repo.git(verify + [old])
            let secretFile = try writeSecret("window-secret", in: tmp.url)
            try await withServe(data: tmp.url.appendingPathComponent("data"), logs: tmp.url, [
                "--admin-password-file", secretFile.path, "--git", repo.path, "--ref", "main", "--interval", "1s",
                "--git-cache", tmp.url.appendingPathComponent("cache").path,
                "--require-signed-commits", "--trusted-keys", allowed.path,
            ]) { server in
                try await withAdmin(server, secret: "window-secret") { admin in
                    /// Waits for the loop's verdict on `commit`: applied, or refused as untrusted.
                    func verdict(_ commit: String) async throws -> StatusDocument {
                        try await waitUntil("a verdict on \(commit.prefix(12))", server: server) {
                            let status = try await admin.status()
                            let applied = status.lastAppliedCommit == commit
                            let refused = status.lastAttemptedCommit == commit && status.has("Ready", "False", reason: "UntrustedCommit")
                                && status.condition("Ready")?.message.contains(String(commit.prefix(12))) == true
                            return applied || refused ? .done(status) : .notYet("\(status)")
                        }
                    }
                    let first = try await verdict(old)
                    #expect(first.lastAppliedCommit == old,
                            "a commit signed in 2023 with a key trusted until 2024-01-01 must be applied (git verify-commit accepts it)\n\(first)")

                    // Signed in 2024 by a key trusted only from 2025: git refuses it, whatever today's date.
                    try repo.replace(in: "tiers/tiers.yaml", "keepLast: 20", with: "keepLast: 25")
                    let early = try await repo.commit("signed in 2024 by the next key", signingKey: nextKey, date: "2024-06-01T12:00:00Z")
                    let gitVerdict = try await runCommand(URL(fileURLWithPath: try requiredTool("git", package: "git")), ["-C", repo.path] + verify + [early],
                                                          environment: DeclarationsRepo.environment)
                    #expect(!gitVerdict.succeeded, "git itself refuses a signature made before valid-after\n\(gitVerdict.summary)")
                    let second = try await verdict(early)
                    #expect(second.lastAppliedCommit != early && second.has("Ready", "False", reason: "UntrustedCommit"),
                            "a commit signed in 2024 with a key trusted only from 2025-01-01 must be refused\n\(second)")
                }
            }
        }
    }

    @Test("admin API: 401 without or with wrong credentials, 200 with the secret; 403 when started without one")
    func adminAuthentication() async throws {
        try await withTemporaryDirectory("admin-auth") { tmp in
            let secretFile = try writeSecret("auth-secret", in: tmp.url)
            try await withServe(data: tmp.url.appendingPathComponent("data"), logs: tmp.url,
                                ["--admin-password-file", secretFile.path]) { server in
                try await withAdmin(server, secret: "auth-secret") { admin in
                    for path in ["/admin/v1/state", "/admin/v1/status", "/admin/v1/revisions"] {
                        let none = try await admin.get(path, headers: [])
                        #expect(none.status == 401, "no credentials:\n\(none)")
                        #expect(none.header("WWW-Authenticate") != nil, "\(none)")
                        #expect(String(decoding: none.body, as: UTF8.self).contains("UNAUTHORIZED"), "\(none)")
                        let wrong = try await admin.get(path, headers: [("Authorization", "Bearer auth-secreT")])
                        #expect(wrong.status == 401, "wrong secret:\n\(wrong)")
                        let right = try await admin.get(path)
                        #expect(right.status == 200, "right secret:\n\(right)")
                    }
                    let basic = "Basic " + Data("admin:auth-secret".utf8).base64EncodedString()
                    #expect(try await admin.get("/admin/v1/state", headers: [("Authorization", basic)]).status == 200)
                    let basicWrongUser = "Basic " + Data("root:auth-secret".utf8).base64EncodedString()
                    #expect(try await admin.get("/admin/v1/state", headers: [("Authorization", basicWrongUser)]).status == 401)
                    let post = try await admin.client.request(.POST, "/admin/v1/changes", headers: [("Content-Type", "application/json")],
                                                           body: Array(#"{"source":{"actor":"x","summary":"x"},"changes":[]}"#.utf8))
                    #expect(post.status == 401, "POST without credentials:\n\(post)")
                    #expect(try await admin.client.request(.GET, "/metrics").status == 200, "/metrics needs no credentials")
                }
                // The command line with a wrong token file fails and says why.
                let wrongFile = try writeSecret("not-the-secret", in: tmp.url, name: "wrong-secret")
                let repo = try await DeclarationsRepo.create(at: tmp.url.appendingPathComponent("decl"))
                try await repo.commit("examples")
                let plan = try await berth(["plan", "--git", repo.path, "--ref", "main", "--git-cache", tmp.url.appendingPathComponent("cache").path,
                                            "--registry", server.baseURL.absoluteString, "--token-file", wrongFile.path])
                expectExit(plan, 1, "plan --registry with a wrong token")
                #expect(plan.stderrString.contains("401"), "\(plan.summary)")
            }
            try await withServe(data: tmp.url.appendingPathComponent("data-no-secret"), logs: tmp.url, [], bootstrapAdministrator: false) { server in
                try await withAdmin(server, secret: "anything") { admin in
                    for headers in [[], admin.bearer] {
                        let state = try await admin.get("/admin/v1/state", headers: headers)
                        #expect(state.status == 401, "admin API without a configured secret:\n\(state)")
                        #expect(String(decoding: state.body, as: UTF8.self).contains("UNAUTHORIZED"), "\(state)")
                    }
                }
            }
        }
    }
}
