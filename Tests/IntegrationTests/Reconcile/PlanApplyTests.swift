import Foundation
import TestSupport
import Testing

/// `berth plan` and `berth apply` end to end: real git repositories, a real data folder or a running server.
@Suite("berth plan / apply", .timeLimit(.minutes(5)))
struct PlanApplyTests {
    /// Creates in apply order (spec/plan.md, "Order").
    static let kindOrder = ["Signer", "Tier", "Role", "User", "Team", "RobotAccount", "Repository", "RoleBinding",
                            "VulnerabilityException", "SecretRule", "SecretException", "Webhook"]

    /// How many objects of each kind `examples/` declares.
    static func exampleKindCounts() throws -> [String: Int] {
        let root = TestEnvironment.packageRoot.appendingPathComponent("examples")
        var counts: [String: Int] = [:]
        let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
        for file in files where file.hasSuffix(".yaml") {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") where line.hasPrefix("kind: ") {
                counts[String(line.dropFirst("kind: ".count)).trimmingCharacters(in: .whitespaces), default: 0] += 1
            }
        }
        return counts
    }

    @Test("plan → apply → re-plan is empty; JSON fields, field-level update, markdown policy, sensitive values, --out")
    func planApplyReplan() async throws {
        try await withTemporaryDirectory("plan-apply") { tmp in
            let repo = try await DeclarationsRepo.create(at: tmp.url.appendingPathComponent("decl"))
            let commitA = try await repo.commit("examples")
            let data = tmp.url.appendingPathComponent("data").path
            let source = ["--git", repo.path, "--ref", "main", "--git-cache", tmp.url.appendingPathComponent("cache").path]
            let target = ["--data", data]

            // 1. The first plan creates every declared object.
            let (first, firstRun) = try await planJSON(source + target, what: "first plan")
            expectExit(firstRun, 2, "first plan with --detailed-exitcode has changes")
            let raw = try #require(try JSONSerialization.jsonObject(with: firstRun.stdout) as? [String: Any])
            #expect(Set(raw.keys) == PlanDocument.topLevelKeys, "top-level fields of the JSON plan")
            for (index, change) in ((raw["changes"] as? [[String: Any]]) ?? []).enumerated() {
                #expect(Set(change.keys).isSubset(of: PlanDocument.changeKeys), "changes[\(index)] has undocumented fields: \(change.keys.sorted())")
            }
            #expect(first.formatVersion == 1)
            #expect(first.createdAt.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/) != nil, "createdAt \(first.createdAt)")
            #expect(first.source.commit == commitA)
            #expect(first.source.author == "CI <ci@example.com>")
            #expect(first.source.ref?.hasSuffix("@main") == true, "source.ref \(first.source.ref ?? "nil")")
            #expect(first.liveFingerprint == emptyStateFingerprint, "an empty data folder's fingerprint")
            #expect(first.desiredFingerprint.wholeMatch(of: /sha256:[0-9a-f]{64}/) != nil)
            #expect(first.changes.allSatisfy { $0.action == "create" && !$0.destructive && $0.after != nil },
                    "a first plan only creates: \(first.ids.filter { !$0.hasPrefix("create") })")
            let expectedCounts = try Self.exampleKindCounts()
            let plannedCounts = Dictionary(first.changes.map { ($0.kind, 1) }, uniquingKeysWith: +)
            #expect(plannedCounts == expectedCounts, "one create per declared object")
            #expect(first.summary.create == first.changes.count && first.summary.update == 0
                    && first.summary.delete == 0 && first.summary.destructive == 0)
            let order = first.changes.map { (Self.kindOrder.firstIndex(of: $0.kind) ?? 99, Array($0.name.utf8)) }
            #expect(zip(order, order.dropFirst()).allSatisfy { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1.lexicographicallyPrecedes($1.1)) },
                    "creates in dependency order, by name within a kind: \(first.ids)")
            for change in first.changes where change.action == "create" {
                #expect(change.reasons.first == "declared in git but absent from the registry", "\(change.id): \(change.reasons)")
                #expect(change.fields.allSatisfy { $0.before == nil && $0.after != nil }, "\(change.id): a create has only afters")
            }
            let alice = try #require(first.change("User", "alice"))
            let aliceHash = try #require(alice.after?["spec"]?["passwordHash"], "the saved plan carries the hash to write")
            let hashField = try #require(alice.fields.first { $0.path == "passwordHash" })
            #expect(hashField.sensitive == true && hashField.after == .string("(sensitive value)"), "\(hashField)")
            guard case .string(let aliceHashText) = aliceHash else { Issue.record("hash \(aliceHash)"); return }

            let text = try await berth(["plan", "--detailed-exitcode"] + source + target)
            expectExit(text, 2, "text plan")
            #expect(text.stdoutString.contains("Plan: \(first.changes.count) to create, 0 to update, 0 to delete."), "\(text.summary)")
            #expect(!text.stdoutString.contains(aliceHashText), "the text plan shows a password hash")

            // 2. Apply, then the same declarations plan nothing.
            let apply = try await berth(["apply", "--auto-approve"] + source + target)
            try requireExit(apply, 0, "apply --auto-approve")
            #expect(apply.stdoutString.contains("Applied as revision"), "\(apply.summary)")
            let replan = try await berth(["plan", "--detailed-exitcode"] + source + target)
            expectExit(replan, 0, "re-plan after apply")
            #expect(replan.stdoutString.contains("No changes. The registry matches the declarations."), "\(replan.summary)")
            let (empty, _) = try await planJSON(source + target, what: "re-plan (json)")
            #expect(empty.changes.isEmpty && empty.liveFingerprint == first.desiredFingerprint
                    && empty.desiredFingerprint == first.desiredFingerprint,
                    "live fingerprint after apply = desired fingerprint of the plan: \(empty.liveFingerprint) vs \(first.desiredFingerprint)")

            // 3. A second commit changes one field of one Tier.
            let keepLast = try repo.replace(in: "tiers/tiers.yaml", "keepLast: 20", with: "keepLast: 25")  // Tier internal
            let commitB = try await repo.commit("internal: keep 25")
            let (update, updateRun) = try await planJSON(source + target, what: "plan of the keepLast change")
            expectExit(updateRun, 2, "plan of the keepLast change")
            #expect(update.ids == ["update Tier/internal"], "exactly the changed object")
            #expect(update.source.commit == commitB)
            #expect(update.liveFingerprint == first.desiredFingerprint)
            if let change = update.changes.first {
                #expect(change.fields.count == 1)
                #expect(change.fields.first?.path == "retention.keepLast")
                #expect(change.fields.first?.before == .int(20), "before: \(String(describing: change.fields.first?.before))")
                #expect(change.fields.first?.after == .int(25), "after: \(String(describing: change.fields.first?.after))")
                #expect(change.fields.first?.sensitive == nil)
                #expect(change.reasons == ["field changed in git: retention.keepLast"])
                #expect(!change.destructive)
                #expect(change.after?["name"] == .string("internal") && change.after?["kind"] == .string("Tier"))
                #expect(change.after?["spec"]?["retention"]?["keepLast"] == .int(25), "after: \(String(describing: change.after))")
                #expect(change.after?["spec"]?["quota"] == .string("200GiB"), "the whole object is in after")
            }
            #expect(update.summary.update == 1 && update.summary.create == 0 && update.summary.delete == 0)

            let textUpdate = try await berth(["plan"] + source + target)
            try requireExit(textUpdate, 0, "text plan without --detailed-exitcode")
            #expect(textUpdate.stdoutString.contains("~ retention.keepLast = 20 -> 25"), "\(textUpdate.summary)")
            #expect(textUpdate.stdoutString.contains("Plan: 0 to create, 1 to update, 0 to delete."), "\(textUpdate.summary)")

            let markdown = try await berth(["plan", "--format", "markdown"] + source + target)
            try requireExit(markdown, 0, "markdown plan")
            let md = markdown.stdoutString
            #expect(md.contains("##### Update Tier `internal`"), "\(markdown.summary)")
            #expect(md.contains("- retention.keepLast = 20") && md.contains("+ retention.keepLast = 25"), "\(markdown.summary)")
            #expect(md.contains("Effective policy"), "markdown has the effective policy section\n\(markdown.summary)")
            // platform/* uses Tier internal without overriding keepLast: its effective keepLast comes from the Tier.
            let platformSection = md.components(separatedBy: "##### `platform/*` — tier `internal`").dropFirst().first
            #expect(platformSection != nil, "the effective policy of platform/* (Tier internal) is shown\n\(md)")
            if let platformSection {
                let section = platformSection.components(separatedBy: "#####").first ?? ""
                let expected = "| retention.keepLast | `25` | Tier internal (tiers/tiers.yaml:\(keepLast.line):\(keepLast.column + "keepLast: ".count)) |"
                #expect(section.contains(expected), "expected the row \(expected) in:\n\(section)")
            }
            // The `**` declaration overrides keepLast: it stays 5, from the Repository declaration.
            #expect(md.contains("| retention.keepLast | `5` | Repository \\*\\* (repositories/catch-all.yaml:"), "\(md)")
            // Repositories of other tiers are not touched.
            #expect(!md.contains("##### `payments/api`") && !md.contains("##### `oss/berth-cli`"),
                    "only repositories of the changed Tier are listed\n\(md)")

            // 4. --out saves the plan shown; `apply FILE` applies it.
            let saved = tmp.url.appendingPathComponent("keep25.plan.json")
            let save = try await berth(["plan", "--format", "json", "--out", saved.path] + source + target)
            try requireExit(save, 0, "plan --out")
            let savedBytes = try Data(contentsOf: saved)
            #expect(String(decoding: savedBytes, as: UTF8.self).trimmingCharacters(in: .newlines)
                    == save.stdoutString.trimmingCharacters(in: .newlines), "the saved plan is the JSON rendering")
            let savedPlan = try PlanDocument.decode(savedBytes, what: saved.lastPathComponent)
            #expect(savedPlan.ids == ["update Tier/internal"])
            let applySaved = try await berth(["apply", saved.path, "--auto-approve"] + target)
            try requireExit(applySaved, 0, "apply SAVED --auto-approve")
            expectExit(try await berth(["plan", "--detailed-exitcode"] + source + target), 0, "re-plan after applying the saved plan")

            // 5. A changed password hash is planned but never shown.
            let newHash = "$2b$12$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"
            try repo.replace(in: "people/users.yaml", aliceHashText, with: newHash)
            try await repo.commit("rotate alice")
            let (rotate, _) = try await planJSON(source + target, what: "plan of a password change")
            #expect(rotate.ids == ["update User/alice"])
            let rotated = try #require(rotate.changes.first?.fields.first)
            #expect(rotated.path == "passwordHash" && rotated.sensitive == true
                    && rotated.before == .string("(sensitive value)") && rotated.after == .string("(sensitive value)"), "\(rotated)")
            #expect(rotate.changes.first?.after?["spec"]?["passwordHash"] == .string(newHash), "apply needs the new hash")
            let rotateJSON = try await berth(["plan", "--format", "json"] + source + target)
            #expect(!rotateJSON.stdoutString.contains(aliceHashText), "the JSON plan carries the replaced hash")
            for format in ["text", "markdown"] {
                let shown = try await berth(["plan", "--format", format] + source + target)
                try requireExit(shown, 0, "\(format) plan of a password change")
                #expect(!shown.stdoutString.contains(aliceHashText) && !shown.stdoutString.contains(newHash),
                        "the \(format) plan shows a password hash\n\(shown.summary)")
                #expect(shown.stdoutString.contains("(sensitive value)"), "\(shown.summary)")
            }
            try requireExit(try await berth(["apply", "--auto-approve"] + source + target), 0, "apply the password change")
            expectExit(try await berth(["plan", "--detailed-exitcode"] + source + target), 0, "re-plan after the password change")
        }
    }

    @Test("a saved plan is refused once the live state changed (--data), and nothing changes")
    func stalePlanOverData() async throws {
        try await withTemporaryDirectory("stale-data") { tmp in
            let repo = try await DeclarationsRepo.create(at: tmp.url.appendingPathComponent("decl"))
            try await repo.commit("examples")
            let data = ["--data", tmp.url.appendingPathComponent("data").path]
            let cache = ["--git-cache", tmp.url.appendingPathComponent("cache").path]
            try requireExit(try await berth(["apply", "--git", repo.path, "--ref", "main", "--auto-approve"] + cache + data), 0, "apply A")

            // main: keepLast 20 -> 25, saved as a plan.
            try repo.replace(in: "tiers/tiers.yaml", "keepLast: 20", with: "keepLast: 25")
            try await repo.commit("keep 25")
            let saved = tmp.url.appendingPathComponent("saved.json")
            try requireExit(try await berth(["plan", "--git", repo.path, "--ref", "main", "--out", saved.path] + cache + data), 0, "plan --out")

            // Meanwhile another change is applied: branch `other` edits a description.
            try await repo.git(["checkout", "-q", "-b", "other", "main~1"])
            try repo.replace(in: "repositories/web.yaml", "description: Public storefront.", with: "description: Public storefront, v2.")
            try await repo.commit("storefront description")
            try requireExit(try await berth(["apply", "--git", repo.path, "--ref", "other", "--auto-approve"] + cache + data), 0, "apply other")

            let stale = try await berth(["apply", saved.path, "--auto-approve"] + data)
            #expect(stale.status != 0, "a stale plan must be refused\n\(stale.summary)")
            #expect(stale.stderrString.contains("live configuration changed"), "the refusal says why\n\(stale.summary)")
            // The live state is exactly `other`: keepLast was not applied.
            let check = try await berth(["plan", "--git", repo.path, "--ref", "other", "--detailed-exitcode"] + cache + data)
            expectExit(check, 0, "live state is still that of branch other after the refused plan")
        }
    }

    /// spec/plan.md, "Staleness": before applying a saved plan, apply compares the live fingerprint with the plan's
    /// `liveFingerprint` and refuses a stale plan. A plan without changes is no exception: applying it claims that
    /// the registry matches the declarations.
    @Test("a saved plan without changes is refused too once the live state changed")
    func staleEmptyPlan() async throws {
        try await withTemporaryDirectory("stale-empty") { tmp in
            let repo = try await DeclarationsRepo.create(at: tmp.url.appendingPathComponent("decl"))
            try await repo.commit("examples")
            let data = ["--data", tmp.url.appendingPathComponent("data").path]
            let cache = ["--git-cache", tmp.url.appendingPathComponent("cache").path]
            try requireExit(try await berth(["apply", "--git", repo.path, "--ref", "main", "--auto-approve"] + cache + data), 0, "apply A")
            let saved = tmp.url.appendingPathComponent("empty.json")
            try requireExit(try await berth(["plan", "--git", repo.path, "--ref", "main", "--out", saved.path] + cache + data), 0, "plan --out")
            #expect(try PlanDocument.decode(Data(contentsOf: saved), what: "empty plan").changes.isEmpty)

            try await repo.git(["checkout", "-q", "-b", "other"])
            try repo.replace(in: "repositories/web.yaml", "description: Public storefront.", with: "description: Public storefront, v2.")
            try await repo.commit("storefront description")
            try requireExit(try await berth(["apply", "--git", repo.path, "--ref", "other", "--auto-approve"] + cache + data), 0, "apply other")

            let stale = try await berth(["apply", saved.path, "--auto-approve"] + data)
            #expect(stale.status != 0, "a stale saved plan (without changes) must be refused, not reported as applied\n\(stale.summary)")
            #expect(stale.stderrString.contains("live configuration changed"), "the refusal says why\n\(stale.summary)")
        }
    }

    @Test("a saved plan is refused once someone changed the registry through the admin API (--registry)")
    func stalePlanOverAdminAPI() async throws {
        try await withTemporaryDirectory("stale-api") { tmp in
            let repo = try await DeclarationsRepo.create(at: tmp.url.appendingPathComponent("decl"))
            try await repo.commit("examples")
            let secretFile = try writeSecret("stale-secret", in: tmp.url)
            let source = ["--git", repo.path, "--ref", "main", "--git-cache", tmp.url.appendingPathComponent("cache").path]
            try await withServe(data: tmp.url.appendingPathComponent("data"), logs: tmp.url,
                                ["--admin-password-file", secretFile.path]) { server in
                let target = ["--registry", server.baseURL.absoluteString, "--token-file", secretFile.path]
                try requireExit(try await berth(["apply", "--auto-approve"] + source + target), 0, "apply A over the admin API")
                try repo.replace(in: "tiers/tiers.yaml", "keepLast: 20", with: "keepLast: 25")
                try await repo.commit("keep 25")
                let saved = tmp.url.appendingPathComponent("saved.json")
                try requireExit(try await berth(["plan", "--out", saved.path] + source + target), 0, "plan --out over the admin API")

                try await withAdmin(server, secret: "stale-secret") { admin in
                    let planned = try PlanDocument.decode(Data(contentsOf: saved), what: "saved plan")
                    try await admin.postChanges([["op": "delete", "kind": "VulnerabilityException", "name": "cve-2024-45337-payments"]],
                                                expectedFingerprint: planned.liveFingerprint)
                    // The admin API itself refuses a change set computed against another state: 409 STALE.
                    let body = try JSONSerialization.data(withJSONObject: [
                        "expectedFingerprint": planned.liveFingerprint,
                        "source": ["actor": "admin-api", "summary": "stale"],
                        "changes": [["op": "delete", "kind": "Team", "name": "web"]],
                    ] as [String: Any])
                    let conflict = try await admin.client.request(.POST, "/admin/v1/changes", headers: admin.bearer, body: Array(body))
                    #expect(conflict.status == 409 && String(decoding: conflict.body, as: UTF8.self).contains("STALE"), "\(conflict)")
                    let before = try await admin.state()
                    let stale = try await berth(["apply", saved.path, "--auto-approve"] + target)
                    #expect(stale.status != 0, "a stale plan must be refused\n\(stale.summary)")
                    #expect(stale.stderrString.contains("live configuration changed"), "the refusal says why\n\(stale.summary)")
                    let after = try await admin.state()
                    #expect(after.fingerprint == before.fingerprint, "the refused plan changed the registry")
                    #expect(try after.canonical("Tier", "internal")?["spec"]?["retention"]?["keepLast"] == .int(20))
                }
            }
        }
    }

    @Test("apply without --auto-approve and without a terminal is refused; nothing changes")
    func applyNeedsConfirmation() async throws {
        try await withTemporaryDirectory("no-tty") { tmp in
            let repo = try await DeclarationsRepo.create(at: tmp.url.appendingPathComponent("decl"))
            try await repo.commit("examples")
            let source = ["--git", repo.path, "--ref", "main", "--git-cache", tmp.url.appendingPathComponent("cache").path]
            let target = ["--data", tmp.url.appendingPathComponent("data").path]

            let refused = try await berth(["apply"] + source + target)
            #expect(refused.status != 0, "apply without confirmation must be refused\n\(refused.summary)")
            #expect(refused.stderrString.contains("--auto-approve"), "the refusal names --auto-approve\n\(refused.summary)")
            #expect(!refused.stdoutString.contains("Applied as revision"), "\(refused.summary)")

            let saved = tmp.url.appendingPathComponent("saved.json")
            try requireExit(try await berth(["plan", "--out", saved.path] + source + target), 0, "plan --out")
            let refusedSaved = try await berth(["apply", saved.path] + target)
            #expect(refusedSaved.status != 0, "apply SAVED without confirmation must be refused\n\(refusedSaved.summary)")

            let (plan, run) = try await planJSON(source + target, what: "plan after the refusals")
            expectExit(run, 2, "everything is still to be created")
            #expect(plan.liveFingerprint == emptyStateFingerprint, "the refused applies changed the registry")
        }
    }

    @Test("removing the only declaration governing a repository with images is destructive: refused without --allow-destroy")
    func destructiveNeedsAllowDestroy() async throws {
        try await withTemporaryDirectory("destroy") { tmp in
            let repo = try await DeclarationsRepo.create(at: tmp.url.appendingPathComponent("decl"))
            try await repo.commit("examples")
            let secretFile = try writeSecret("destroy-secret", in: tmp.url)
            let source = ["--git", repo.path, "--ref", "main", "--git-cache", tmp.url.appendingPathComponent("cache").path]
            try await withServe(data: tmp.url.appendingPathComponent("data"), logs: tmp.url,
                                ["--admin-password-file", secretFile.path]) { server in
                let target = ["--registry", server.baseURL.absoluteString, "--token-file", secretFile.path]
                // misc/tool is governed only by `**` (repositories/catch-all.yaml); payments/api has its own declaration.
                try await pushTinyImage(to: server, repository: "misc/tool", tag: "v1")
                try await pushTinyImage(to: server, repository: "payments/api", tag: "v1")
                try requireExit(try await berth(["apply", "--auto-approve"] + source + target), 0, "apply A")

                try repo.remove("repositories/catch-all.yaml")
                try await repo.commit("drop the catch-all")
                let (plan, run) = try await planJSON(source + target, what: "plan removing `**`")
                expectExit(run, 2, "plan removing `**`")
                #expect(plan.ids == ["delete Repository/**"], "\(plan.ids)")
                let delete = try #require(plan.change("Repository", "**"))
                #expect(delete.destructive, "deleting `**` leaves misc/tool (1 image) ungoverned: \(delete.reasons)")
                #expect(delete.reasons.first == "not declared in git (would be pruned)", "\(delete.reasons)")
                #expect(delete.reasons.dropFirst().contains { $0.contains("misc/tool") && $0.contains("no other Repository declaration governs") },
                        "the reason names the repository left ungoverned: \(delete.reasons)")
                #expect(!delete.reasons.contains { $0.contains("payments/api") && $0.contains("no other Repository declaration governs") },
                        "payments/api stays governed by its own declaration: \(delete.reasons)")
                #expect(delete.after == nil && delete.fields.allSatisfy { $0.after == nil && $0.before != nil })
                #expect(plan.summary.destructive == 1 && plan.summary.delete == 1)

                let text = try await berth(["plan"] + source + target)
                #expect(text.stdoutString.contains("DESTRUCTIVE") && text.stdoutString.contains("Warning: 1 destructive change"),
                        "\(text.summary)")
                let markdown = try await berth(["plan", "--format", "markdown"] + source + target)
                #expect(markdown.stdoutString.contains("> [!CAUTION]"), "\(markdown.summary)")

                try await withAdmin(server, secret: "destroy-secret") { admin in
                    let before = try await admin.state()
                    #expect(before.imageCounts["misc/tool"] == 1, "image counts: \(before.imageCounts)")
                    #expect(before.object("Repository", "**") != nil)

                    let refused = try await berth(["apply", "--auto-approve"] + source + target)
                    #expect(refused.status == 1, "a destructive plan must be refused without --allow-destroy\n\(refused.summary)")
                    #expect(refused.stderrString.contains("--allow-destroy"), "the refusal names --allow-destroy\n\(refused.summary)")
                    let saved = tmp.url.appendingPathComponent("destroy.json")
                    try requireExit(try await berth(["plan", "--out", saved.path] + source + target), 0, "plan --out")
                    let refusedSaved = try await berth(["apply", saved.path, "--auto-approve"] + target)
                    #expect(refusedSaved.status == 1, "a saved destructive plan must be refused too\n\(refusedSaved.summary)")
                    let unchanged = try await admin.state()
                    #expect(unchanged.fingerprint == before.fingerprint, "the refused applies changed the registry")

                    let allowed = try await berth(["apply", "--auto-approve", "--allow-destroy"] + source + target)
                    try requireExit(allowed, 0, "apply --allow-destroy")
                    let after = try await admin.state()
                    #expect(after.object("Repository", "**") == nil, "`**` was deleted")
                    #expect(after.objects.count == before.objects.count - 1)
                    #expect(after.fingerprint == plan.desiredFingerprint, "live fingerprint = the plan's desired fingerprint")
                }
                expectExit(try await berth(["plan", "--detailed-exitcode"] + source + target), 0, "re-plan after --allow-destroy")
            }
        }
    }
}
