import Foundation
import Testing
import Declarations
import Reconciler

@Suite struct PlannerTests {
    @Test func fixtureIsAValidState() throws {
        let state = try DesiredState(canonical: Fixture.all)
        #expect(state.canonicalObjects() == Fixture.all)
    }

    @Test func identicalStatesGiveAnEmptyPlan() {
        let plan = makePlan(desired: Fixture.all, live: Fixture.all.reversed())
        #expect(plan.isEmpty)
        #expect(!plan.hasDestructiveChanges)
        #expect(plan.summary == PlanSummary(create: 0, update: 0, delete: 0, destructive: 0))
        #expect(plan.formatVersion == 1)
        #expect(plan.liveFingerprint == "sha256:live" && plan.desiredFingerprint == "sha256:desired")
        #expect(makePlan(desired: [], live: []).isEmpty)
    }

    @Test func createdAtIsWholeSeconds() {
        let plan = Planner.plan(desired: [], live: [], facts: .none, liveFingerprint: "a", desiredFingerprint: "b",
                                source: PlanSource(commit: "abc"), now: fixedNow.addingTimeInterval(0.75))
        #expect(plan.createdAt == fixedNow)
        #expect(plan.source == PlanSource(commit: "abc"))
    }

    // MARK: Create, update, delete of each kind

    @Test(arguments: Fixture.all)
    func createsWhatIsDeclaredButAbsent(object: CanonicalObject) throws {
        let plan = makePlan(desired: Fixture.all, live: Fixture.all.without(object.kind, object.name))
        #expect(plan.summary == PlanSummary(create: 1))
        let change = try #require(plan.changes.first)
        #expect(change.action == .create)
        #expect(change.kind == object.kind && change.name == object.name)
        #expect(change.after == object)
        #expect(change.reasons == ["declared in git but absent from the registry"])
        #expect(!change.destructive)
        #expect(!change.fields.isEmpty)
        #expect(change.fields.allSatisfy { $0.before == nil && $0.after != nil })
    }

    @Test(arguments: Fixture.all)
    func deletesWhatIsNoLongerDeclared(object: CanonicalObject) throws {
        let plan = makePlan(desired: Fixture.all.without(object.kind, object.name), live: Fixture.all)
        #expect(plan.summary.delete == 1 && plan.summary.total == 1)
        let change = try #require(plan.changes.first)
        #expect(change.action == .delete)
        #expect(change.kind == object.kind && change.name == object.name)
        #expect(change.after == nil)
        #expect(change.reasons.first == "not declared in git (would be pruned)")
        #expect(change.fields.allSatisfy { $0.before != nil && $0.after == nil })
        // Only removing the one admin binding, or its role, removes every admin.
        let removesAdmin = object == Fixture.admins || object == Fixture.adminRole
        #expect(change.destructive == removesAdmin)
    }

    @Test func createListsEveryFieldInKeyOrder() throws {
        let plan = makePlan(desired: [Fixture.confidentialTier], live: [])
        let change = try #require(plan.changes.first)
        #expect(change.fields == [
            FieldChange(path: "anonymousPull", before: nil, after: false),
            FieldChange(path: "retention.keepLast", before: nil, after: 20),
            FieldChange(path: "retention.keepPulledWithin", before: nil, after: "30d"),
            FieldChange(path: "retention.protect", before: nil, after: ["v*"]),
            FieldChange(path: "signing.minimum", before: nil, after: 1),
            FieldChange(path: "signing.requiredSigners", before: nil, after: ["release"]),
        ])
    }

    @Test func secretExceptionUpdateShowsEachChangedField() throws {
        let renewed = Fixture.secretException.with([
            "rule": "acme-token", "repositories": ["payments/*"], "paths": ["app/fixtures/**", "app/testdata/**"],
            "expires": "2027-06-30", "reason": "test fixtures",
        ])
        let plan = makePlan(desired: Fixture.all.replacing(renewed), live: Fixture.all)
        let change = try #require(plan.changes.first)
        #expect(plan.summary == PlanSummary(update: 1))
        #expect(change.id == "SecretException/test-keys")
        #expect(change.fields == [
            FieldChange(path: "expires", before: "2027-01-31", after: "2027-06-30"),
            FieldChange(path: "paths", before: ["app/testdata/**"], after: ["app/fixtures/**", "app/testdata/**"]),
        ])
        #expect(change.reasons == ["fields changed in git: expires, paths"])
    }

    @Test func secretRuleCreateListsEveryField() throws {
        let plan = makePlan(desired: [Fixture.secretRule], live: [])
        #expect(plan.changes[0].fields == [
            FieldChange(path: "entropy", before: nil, after: "3.5"),
            FieldChange(path: "keywords", before: nil, after: ["acme_"]),
            FieldChange(path: "paths", before: nil, after: ["app/**", "etc/**"]),
            FieldChange(path: "regex", before: nil, after: "acme_[A-Za-z0-9]{32}"),
        ])
    }

    @Test func deleteListsEveryFieldWithItsLastValue() throws {
        let plan = makePlan(desired: [], live: [Fixture.robot])
        #expect(plan.changes[0].fields == [
            FieldChange(path: "deliverTo.recipientPublicKey", before: .string(ageRecipient), after: nil),
            FieldChange(path: "expiresIn", before: "90d", after: nil),
            FieldChange(path: "rotateEvery", before: "30d", after: nil),
        ])
    }

    /// One update per kind, with the exact field changes expected.
    @Test(arguments: [
        (Fixture.signer.with(["publicKeys": [.string(releaseKey)], "description": "Release pipeline"]),
         [FieldChange(path: "description", before: nil, after: "Release pipeline")]),
        (Fixture.internalTier.with(["retention": ["keepLast": 20], "quota": "200GiB"]),
         [FieldChange(path: "quota", before: nil, after: "200GiB"),
          FieldChange(path: "retention.keepLast", before: 10, after: 20)]),
        (Fixture.developerRole.with(["permissions": ["pull"]]),
         [FieldChange(path: "permissions", before: ["pull", "push"], after: ["pull"])]),
        (Fixture.payments.with(["members": ["alice"], "description": "Payments"]),
         [FieldChange(path: "description", before: nil, after: "Payments"),
          FieldChange(path: "members", before: ["alice", "bob"], after: ["alice"])]),
        (Fixture.robot.with(["expiresIn": "30d", "deliverTo": ["recipientPublicKey": .string(ageRecipient)]]),
         [FieldChange(path: "expiresIn", before: "90d", after: "30d"),
          FieldChange(path: "rotateEvery", before: "30d", after: nil)]),
        (Fixture.paymentsAPI.with(["tier": "internal"]),
         [FieldChange(path: "retention.keepLast", before: 50, after: nil),
          FieldChange(path: "tier", before: "confidential", after: "internal")]),
        (Fixture.developers.with(["role": "developer", "repositories": ["payments/*", "web/*"], "subjects": [["team": "payments"]]]),
         [FieldChange(path: "repositories", before: ["payments/*"], after: ["payments/*", "web/*"]),
          FieldChange(path: "subjects", before: [["team": "payments"], ["robot": "payments-ci"]], after: [["team": "payments"]])]),
        (Fixture.exception.with(["vulnerability": "CVE-2024-0001", "repositories": ["payments/api"], "expires": "2027-06-30", "reason": "unreachable", "owner": "security"]),
         [FieldChange(path: "expires", before: "2027-01-31", after: "2027-06-30"),
          FieldChange(path: "owner", before: nil, after: "security")]),
        (Fixture.bob.with(["passwordHash": .string(hashA), "email": "bob@example.com"]),
         [FieldChange(path: "email", before: nil, after: "bob@example.com")]),
    ])
    func updatesShowFieldLevelBeforeAndAfter(updated: CanonicalObject, expected: [FieldChange]) throws {
        let plan = makePlan(desired: Fixture.all.replacing(updated), live: Fixture.all)
        #expect(plan.summary == PlanSummary(update: 1))
        let change = try #require(plan.changes.first)
        #expect(change.action == .update)
        #expect(change.kind == updated.kind && change.name == updated.name)
        #expect(change.fields == expected)
        #expect(change.after == updated)
        #expect(!change.destructive)
        let paths = expected.map(\.path)
        #expect(change.reasons == ["\(paths.count == 1 ? "field" : "fields") changed in git: \(paths.joined(separator: ", "))"])
    }

    @Test func metadataChangesAreFieldChangesToo() throws {
        var labelled = Fixture.internalTier
        labelled.labels = ["sensitivity": "medium"]
        labelled.annotations = ["berth.dev/owner": "platform@example.com"]
        let plan = makePlan(desired: [labelled], live: [Fixture.internalTier])
        // Labels first, then annotations, then the spec; odd keys quoted.
        #expect(plan.changes[0].fields == [
            FieldChange(path: "metadata.labels.sensitivity", before: nil, after: "medium"),
            FieldChange(path: #"metadata.annotations["berth.dev/owner"]"#, before: nil, after: "platform@example.com"),
        ])
    }

    @Test func manyChangedFieldsAreSummarisedInTheReason() throws {
        let before = object(.tier, "t", ["a1": 1, "a2": 1, "a3": 1, "a4": 1, "a5": 1, "a6": 1, "a7": 1])
        let after = before.with(["a1": 2, "a2": 2, "a3": 2, "a4": 2, "a5": 2, "a6": 2, "a7": 2])
        let plan = makePlan(desired: [after], live: [before])
        #expect(plan.changes[0].reasons == ["fields changed in git: a1, a2, a3, a4, a5 and 2 more"])
    }

    @Test func aValueChangingTypeIsOneFieldChange() throws {
        let before = object(.tier, "t", ["scanning": ["secrets": ["onPush": "block"]]])
        let after = before.with(["scanning": "off"])
        let plan = makePlan(desired: [after], live: [before])
        #expect(plan.changes[0].fields == [
            FieldChange(path: "scanning", before: ["secrets": ["onPush": "block"]], after: "off"),
        ])
    }

    @Test func repeatedInputObjectsAreCountedOnce() {
        let plan = makePlan(desired: [Fixture.alice, Fixture.alice], live: [Fixture.bob, Fixture.bob])
        #expect(plan.summary == PlanSummary(create: 1, update: 0, delete: 1))
    }

    // MARK: Ordering

    @Test func createsAndUpdatesFollowDependenciesThenDeletesInReverse() {
        // Everything new except one object of each kind that only the live
        // state has, plus an update of each tier.
        let live: [CanonicalObject] = [
            object(.signer, "old-signer", ["publicKeys": [.string(releaseKey)]]),
            object(.tier, "old-tier", [:]),
            object(.role, "old-role", ["permissions": ["pull"]]),
            object(.user, "old-user", ["passwordHash": .string(hashA)]),
            object(.team, "old-team", ["members": []]),
            object(.robotAccount, "old-robot", ["expiresIn": "1d", "deliverTo": ["recipientPublicKey": .string(ageRecipient)]]),
            object(.repository, "old/repo", ["tier": "old-tier"]),
            object(.roleBinding, "old-binding", ["role": "old-role", "repositories": ["old/repo"], "subjects": [["user": "old-user"]]]),
            object(.vulnerabilityException, "old-exception", ["vulnerability": "CVE-2024-0001", "repositories": ["old/repo"], "expires": "2027-01-31", "reason": "r"]),
            object(.secretRule, "old-rule", ["regex": "old_[a-z]{8}", "keywords": ["old_"]]),
            object(.secretException, "old-secret-exception", ["rule": "old-rule", "repositories": ["old/repo"], "expires": "2027-01-31", "reason": "r"]),
            object(.webhook, "old-webhook", ["url": "https://old.example.com/", "events": ["tag-delete"], "secretRef": ["env": "K"], "timeout": "10s"]),
            Fixture.internalTier.with(["retention": ["keepLast": 1]]),
            Fixture.confidentialTier.with([:]),
        ]
        let plan = makePlan(desired: Fixture.all, live: live)
        #expect(plan.changes.map { "\($0.action.rawValue) \($0.id)" } == [
            "create Signer/release",
            "update Tier/confidential",
            "update Tier/internal",
            "create Role/admin",
            "create Role/developer",
            "create User/alice",
            "create User/bob",
            "create Team/payments",
            "create RobotAccount/payments-ci",
            "create Repository/**",
            "create Repository/payments/*",
            "create Repository/payments/api",
            "create RoleBinding/admins",
            "create RoleBinding/payments-developers",
            "create VulnerabilityException/cve-2024-0001",
            "create SecretRule/acme-token",
            "create SecretException/test-keys",
            "create Webhook/security-feed",
            "delete Webhook/old-webhook",
            "delete SecretException/old-secret-exception",
            "delete SecretRule/old-rule",
            "delete VulnerabilityException/old-exception",
            "delete RoleBinding/old-binding",
            "delete Repository/old/repo",
            "delete RobotAccount/old-robot",
            "delete Team/old-team",
            "delete User/old-user",
            "delete Role/old-role",
            "delete Tier/old-tier",
            "delete Signer/old-signer",
        ])
        #expect(plan.summary == PlanSummary(create: 16, update: 2, delete: 12, destructive: 0))
    }

    @Test func applyOrderCoversEveryKindOnce() {
        #expect(Set(Planner.applyOrder) == Set(DeclarationKind.allCases))
        #expect(Planner.applyOrder.count == DeclarationKind.allCases.count)
    }
}
