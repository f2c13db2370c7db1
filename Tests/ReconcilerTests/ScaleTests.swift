import Foundation
import Testing
import Declarations
import Reconciler

/// A generated state: `repositories` Repository declarations (one glob per
/// team, the rest exact), `teams` teams of 4 users, `bindings` RoleBindings,
/// 2,000 users, 3 roles, 2 tiers, a signer. Every object is valid.
struct GeneratedState {
    var objects: [CanonicalObject]
    var imageCounts: [String: Int]

    init(repositories: Int, teams: Int, bindings: Int) {
        var objects: [CanonicalObject] = [
            object(.signer, "release", ["publicKeys": [.string(releaseKey)]]),
            object(.tier, "internal", ["retention": ["keepLast": 10, "keepPulledWithin": "30d"], "immutableTags": ["v*"]]),
            object(.tier, "confidential", ["signing": ["requiredSigners": ["release"], "minimum": 1], "retention": ["keepLast": 20]]),
            object(.role, "admin", ["permissions": ["pull", "push", "delete", "admin"]]),
            object(.role, "developer", ["permissions": ["pull", "push"]]),
            object(.role, "guest", ["permissions": ["pull"]]),
            object(.roleBinding, "registry-admins", ["role": "admin", "repositories": ["**"], "subjects": [["user": "user-0"]]]),
        ]
        let users = 2_000
        for u in 0..<users {
            objects.append(object(.user, "user-\(u)", ["passwordHash": .string(hashA), "email": .string("u\(u)@example.com")]))
        }
        for t in 0..<teams {
            let members = (0..<4).map { ConfigValue.string("user-\((t * 4 + $0) % users)") }.sorted { $0.stringValue! < $1.stringValue! }
            objects.append(object(.team, "team-\(t)", ["members": .array(members)]))
            objects.append(object(.repository, "team-\(t)/*", ["tier": "internal"]))
        }
        var images: [String: Int] = [:]
        for n in 0..<(repositories - teams) {
            let name = "team-\(n % teams)/service-\(n)"
            objects.append(object(.repository, name, [
                "tier": n % 3 == 0 ? "confidential" : "internal", "description": .string("Service \(n)"),
            ]))
            images[name] = n % 7
        }
        for b in 0..<bindings {
            let t = b % teams
            objects.append(object(.roleBinding, "binding-\(b)", [
                "role": b % 2 == 0 ? "developer" : "guest",
                "repositories": [.string("team-\(t)/*")],
                "subjects": [["user": .string("user-\(b % users)")], ["team": .string("team-\(t)")]],
            ]))
        }
        self.objects = objects.sorted()
        self.imageCounts = images
    }

    /// About 1% of the repositories, teams and bindings changed: 40%
    /// updated, 30% deleted, 30% created (a sixth of the deleted
    /// repositories are globs). Returns the changed state and the expected summary.
    func changedByOnePercent() -> (objects: [CanonicalObject], expected: PlanSummary) {
        var byKind: [DeclarationKind: [CanonicalObject]] = Dictionary(grouping: objects, by: \.kind)
        var created = 0, updated = 0, deleted = 0

        var repositories = byKind[.repository]!
        let exact = repositories.indices.filter { !repositories[$0].name.hasSuffix("/*") }
        let globs = repositories.indices.filter { repositories[$0].name.hasSuffix("/*") }
        let repoChanges = repositories.count / 100
        let repoUpdates = repoChanges * 4 / 10, repoDeletes = repoChanges * 3 / 10
        for i in exact.prefix(repoUpdates) {
            repositories[i].spec = repositories[i].spec.objectValue!.merging(["description": "Changed"]) { $1 }.asValue
        }
        let globDeletes = max(1, repoDeletes / 6)
        var drop = Set(exact.dropFirst(repoUpdates).prefix(repoDeletes - globDeletes))
        drop.formUnion(globs.suffix(globDeletes))
        repositories = repositories.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
        for n in 0..<repoDeletes {
            repositories.append(object(.repository, "new-\(n)/api", ["tier": "internal"]))
        }
        updated += repoUpdates; deleted += repoDeletes; created += repoDeletes
        byKind[.repository] = repositories

        var teams = byKind[.team]!
        for i in 0..<(teams.count / 100) {
            teams[i].spec = ["members": ["user-1", "user-2"]]
            updated += 1
        }
        byKind[.team] = teams

        var bindings = byKind[.roleBinding]!.filter { $0.name != "registry-admins" }
        let bindingChanges = bindings.count / 100
        let bindingUpdates = bindingChanges * 4 / 10, bindingDeletes = bindingChanges * 3 / 10
        for i in 0..<bindingUpdates {
            bindings[i].spec = bindings[i].spec.objectValue!.merging(["role": "guest", "subjects": [["user": "user-7"]]]) { $1 }.asValue
        }
        bindings.removeSubrange(bindingUpdates..<(bindingUpdates + bindingDeletes))
        for n in 0..<bindingDeletes {
            bindings.append(object(.roleBinding, "new-binding-\(n)", ["role": "guest", "repositories": ["**"], "subjects": [["team": "team-1"]]]))
        }
        bindings.append(byKind[.roleBinding]!.first { $0.name == "registry-admins" }!)
        updated += bindingUpdates; deleted += bindingDeletes; created += bindingDeletes
        byKind[.roleBinding] = bindings

        return (byKind.values.flatMap { $0 }.sorted(), PlanSummary(create: created, update: updated, delete: deleted))
    }
}

extension Dictionary where Key == String, Value == ConfigValue {
    var asValue: ConfigValue { .object(self) }
}

@Suite struct ScaleTests {
    static let perf = ProcessInfo.processInfo.environment["BERTH_PERF"] != nil

    static func measure<T>(_ label: String, _ body: () throws -> T) rethrows -> T {
        let start = ContinuousClock.now
        let result = try body()
        let elapsed = ContinuousClock.now - start
        if perf {
            let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            print("BERTH_PERF \(label): \(String(format: "%.1f", ms)) ms")
        }
        return result
    }

    /// Full size (10,000 repositories, 500 teams, 50,000 bindings) with
    /// `BERTH_PERF=1`, timings printed; one tenth of it otherwise. Time it
    /// with: `BERTH_PERF=1 swift test -c release --filter ScaleTests`.
    @Test func planAgainstIdenticalAndOnePercentChangedState() throws {
        let scale = Self.perf ? 1 : 10
        let state = GeneratedState(repositories: 10_000 / scale, teams: 500 / scale, bindings: 50_000 / scale)
        let live = state.objects
        let facts = LiveFacts(imageCounts: state.imageCounts)
        if Self.perf { print("BERTH_PERF objects: \(live.count)") }

        let typed = try Self.measure("DesiredState(canonical:) of every object") { try DesiredState(canonical: live) }
        let canonical = Self.measure("canonicalObjects()") { typed.canonicalObjects() }
        #expect(canonical == live)
        let json = Self.measure("canonical JSON of the whole state") { CanonicalObject.canonicalJSON(of: live) }
        if Self.perf { print("BERTH_PERF canonical JSON size: \(json.count) bytes") }

        let same = Self.measure("plan, identical states") {
            Planner.plan(desired: canonical, live: live, facts: facts, liveFingerprint: "sha256:live",
                         desiredFingerprint: "sha256:live", source: PlanSource(), now: fixedNow)
        }
        #expect(same.isEmpty)
        let again = Self.measure("plan, identical states, second run") {
            Planner.plan(desired: canonical, live: live, facts: facts, liveFingerprint: "sha256:live",
                         desiredFingerprint: "sha256:live", source: PlanSource(), now: fixedNow)
        }
        #expect(again.isEmpty)

        let (changed, expected) = state.changedByOnePercent()
        let plan = Self.measure("plan, 1% changed") {
            Planner.plan(desired: changed, live: live, facts: facts, liveFingerprint: "sha256:live",
                         desiredFingerprint: "sha256:desired", source: PlanSource(), now: fixedNow)
        }
        #expect(plan.summary.create == expected.create)
        #expect(plan.summary.update == expected.update)
        #expect(plan.summary.delete == expected.delete)
        // Deleted repositories stay governed by their team's glob or are globs
        // whose repositories have exact declarations: nothing destroyed.
        #expect(plan.summary.destructive == 0)
        if Self.perf { print("BERTH_PERF 1% plan: \(plan.summary)") }

        let data = Self.measure("save the 1% plan") { plan.encoded() }
        let loaded = try Self.measure("load the 1% plan") { try Plan.decode(data) }
        #expect(loaded == plan)
        if Self.perf { print("BERTH_PERF saved 1% plan size: \(data.count) bytes") }
        let text = Self.measure("text rendering of the 1% plan") { PlanRenderer.text(plan) }
        #expect(text.hasSuffix("Plan: \(expected.create) to create, \(expected.update) to update, \(expected.delete) to delete.\n"))
        let desired = try DesiredState(canonical: changed)
        let markdown = Self.measure("Markdown rendering of the 1% plan") { PlanRenderer.markdown(plan, desired: desired) }
        #expect(markdown.contains("#### Effective policy of touched repositories"))
        if Self.perf { print("BERTH_PERF Markdown size: \(markdown.utf8.count) bytes, text size: \(text.utf8.count) bytes") }
    }
}
