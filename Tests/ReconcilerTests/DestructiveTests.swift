import Foundation
import Testing
import Declarations
import Reconciler

@Suite struct DestructiveTests {
    // MARK: Repositories holding images

    @Test func deletingAGlobThatLeavesImagesUngovernedIsDestructive() throws {
        // No catch-all: once payments/* goes, payments/web and payments/worker
        // are governed by nothing; payments/api keeps its exact declaration.
        let live = Fixture.all.without(.repository, "**")
        let desired = live.without(.repository, "payments/*")
        let facts = LiveFacts(imageCounts: ["payments/web": 5, "payments/worker": 7, "payments/api": 3, "web/site": 9, "payments/empty": 0])
        let plan = makePlan(desired: desired, live: live, facts: facts)
        #expect(plan.summary == PlanSummary(delete: 1, destructive: 1))
        let change = try #require(plan.changes.first)
        #expect(change.destructive)
        #expect(change.reasons == [
            "not declared in git (would be pruned)",
            "holds 12 images in payments/web (5), payments/worker (7), which no other Repository declaration governs",
            "3 images in payments/api stay governed by another Repository declaration in git",
        ])
        #expect(plan.hasDestructiveChanges)
        #expect(plan.destructiveChanges == [change])
    }

    @Test func deletingAnExactRepositoryWithImagesIsDestructive() throws {
        let live = Fixture.all.without(.repository, "**").without(.repository, "payments/*")
        let plan = makePlan(desired: live.without(.repository, "payments/api"), live: live,
                            facts: LiveFacts(imageCounts: ["payments/api": 1]))
        let change = try #require(plan.changes.first)
        #expect(change.destructive)
        #expect(change.reasons == [
            "not declared in git (would be pruned)",
            "holds 1 image in payments/api, which no other Repository declaration governs",
        ])
    }

    @Test func imagesThatStayGovernedAreOnlyNoted() throws {
        // The catch-all ** still governs everything payments/* matched.
        let plan = makePlan(desired: Fixture.all.without(.repository, "payments/*"), live: Fixture.all,
                            facts: LiveFacts(imageCounts: ["payments/web": 5, "payments/worker": 7]))
        let change = try #require(plan.changes.first)
        #expect(!change.destructive)
        #expect(change.reasons == [
            "not declared in git (would be pruned)",
            "12 images in payments/web (5), payments/worker (7) stay governed by another Repository declaration in git",
        ])
        #expect(!plan.hasDestructiveChanges)
    }

    @Test func repositoriesWithoutImagesAreNotDestructive() {
        let live = Fixture.all.without(.repository, "**")
        let plan = makePlan(desired: live.without(.repository, "payments/*"), live: live,
                            facts: LiveFacts(imageCounts: ["payments/empty": 0, "other/thing": 4]))
        #expect(plan.summary == PlanSummary(delete: 1, destructive: 0))
        #expect(plan.changes[0].reasons == ["not declared in git (would be pruned)"])
    }

    @Test func updatingARepositoryWithImagesIsNotDestructive() {
        let plan = makePlan(desired: Fixture.all.replacing(Fixture.paymentsAPI.with(["tier": "internal"])),
                            live: Fixture.all, facts: LiveFacts(imageCounts: ["payments/api": 40]))
        #expect(plan.summary == PlanSummary(update: 1, destructive: 0))
    }

    @Test func longListsAreCut() throws {
        var counts: [String: Int] = [:]
        for i in 0..<12 { counts["team/svc-\(String(format: "%02d", i))"] = 1 }
        let glob = object(.repository, "team/*", ["tier": "internal"])
        let plan = makePlan(desired: [Fixture.internalTier], live: [Fixture.internalTier, glob], facts: LiveFacts(imageCounts: counts))
        let reason = try #require(plan.changes.first?.reasons.last)
        #expect(reason == "holds 12 images in team/svc-00 (1), team/svc-01 (1), team/svc-02 (1), team/svc-03 (1), team/svc-04 (1), team/svc-05 (1), team/svc-06 (1), team/svc-07 (1), team/svc-08 (1), team/svc-09 (1) and 2 more repositories, which no other Repository declaration governs")
    }

    // MARK: The last admin

    static let removesEveryAdmin = "removes every admin: after this plan no RoleBinding grants a role with the admin permission to anyone"

    @Test func deletingTheOnlyAdminBindingIsDestructive() throws {
        let plan = makePlan(desired: Fixture.all.without(.roleBinding, "admins"), live: Fixture.all)
        let change = try #require(plan.changes.first)
        #expect(change.destructive)
        #expect(change.reasons == ["not declared in git (would be pruned)", Self.removesEveryAdmin])
    }

    @Test func droppingTheAdminPermissionIsDestructive() throws {
        let plan = makePlan(desired: Fixture.all.replacing(Fixture.adminRole.with(["permissions": ["pull", "push", "delete"]])),
                            live: Fixture.all)
        let change = try #require(plan.changes.first)
        #expect(change.action == .update && change.kind == .role && change.destructive)
        #expect(change.reasons.last == Self.removesEveryAdmin)
    }

    @Test func emptyingTheOnlyAdminTeamIsDestructive() throws {
        let teamAdmins = Fixture.admins.with(["role": "admin", "repositories": ["**"], "subjects": [["team": "payments"]]])
        let live = Fixture.all.replacing(teamAdmins)
        let plan = makePlan(desired: live.replacing(Fixture.payments.with(["members": []])), live: live)
        let change = try #require(plan.changes.first)
        #expect(change.kind == .team && change.destructive)
        #expect(change.reasons.last == Self.removesEveryAdmin)
    }

    @Test func movingAdminToAnotherBindingIsNotDestructive() {
        let other = object(.roleBinding, "security-admins", ["role": "admin", "repositories": ["**"], "subjects": [["user": "bob"]]])
        let desired = (Fixture.all.without(.roleBinding, "admins") + [other]).sorted()
        let plan = makePlan(desired: desired, live: Fixture.all)
        #expect(plan.summary == PlanSummary(create: 1, delete: 1, destructive: 0))
    }

    @Test func noAdminBeforeMeansNoAdminRemoved() {
        let live = Fixture.all.without(.roleBinding, "admins")
        let plan = makePlan(desired: live.without(.role, "admin"), live: live)
        #expect(plan.summary == PlanSummary(delete: 1, destructive: 0))
    }

    @Test func anAdminBindingToAnEmptyTeamGrantsNothing() {
        // Live: the only admin binding names an empty team: nobody is admin,
        // so deleting it removes no one.
        let empty = object(.team, "nobody", ["members": []])
        let binding = object(.roleBinding, "admins", ["role": "admin", "repositories": ["**"], "subjects": [["team": "nobody"]]])
        let live = (Fixture.all.replacing(binding) + [empty]).sorted()
        let plan = makePlan(desired: live.without(.roleBinding, "admins"), live: live)
        #expect(plan.summary == PlanSummary(delete: 1, destructive: 0))
    }

    @Test func robotsCountAsAdmins() throws {
        let robotAdmins = Fixture.admins.with(["role": "admin", "repositories": ["**"], "subjects": [["robot": "payments-ci"]]])
        let live = Fixture.all.replacing(robotAdmins)
        let plan = makePlan(desired: live.without(.roleBinding, "admins"), live: live)
        #expect(plan.changes.first?.destructive == true)
    }
}
