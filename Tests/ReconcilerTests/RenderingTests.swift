import Foundation
import Testing
import Declarations
import Reconciler

@Suite struct TextRenderingTests {
    static let goldenPlan: Plan = {
        let live = [
            Fixture.internalTier,
            object(.repository, "payments/*", ["tier": "confidential"]),
            Fixture.alice,
        ]
        let desired = [
            Fixture.internalTier.with(["retention": ["keepLast": 20], "quota": "200GiB"]),
            Fixture.alice.with(["passwordHash": .string(hashB), "email": "alice@example.com"]),
            object(.repository, "web/site", ["tier": "internal", "description": "Web site"]),
        ]
        return makePlan(desired: desired, live: live, facts: LiveFacts(imageCounts: ["payments/api": 7, "payments/web": 5]),
                        source: PlanSource(commit: "3f2a1bc", ref: "refs/heads/main"))
    }()

    @Test func golden() {
        #expect(PlanRenderer.text(Self.goldenPlan) == """
        Berth plan, computed 2026-06-01T12:00:00Z
          source:  commit 3f2a1bc, ref refs/heads/main
          live:    sha256:live
          desired: sha256:desired

        Berth will perform the following actions:

          # Tier "internal" will be updated in place
          ~ Tier "internal" {
              + quota              = "200GiB"
              ~ retention.keepLast = 10 -> 20
            }

          # User "alice" will be updated in place
          ~ User "alice" {
              ~ passwordHash = (sensitive value) -> (sensitive value)
            }

          # Repository "web/site" will be created
          + Repository "web/site" {
              + description = "Web site"
              + tier        = "internal"
            }

          # Repository "payments/*" will be destroyed — DESTRUCTIVE: holds 12 images in payments/api (7), payments/web (5), which no other Repository declaration governs
          - Repository "payments/*" {
              - tier = "confidential" -> null
            }

        Warning: 1 destructive change; apply refuses this plan without an explicit opt-in.
        Plan: 1 to create, 2 to update, 1 to delete.

        """)
    }

    @Test func notesAndValuesOfEveryShape() {
        let live = [object(.repository, "payments/*", ["tier": "internal"]), object(.repository, "**", ["tier": "internal"])]
        let binding = object(.roleBinding, "b", ["role": "r", "repositories": ["a/*"], "subjects": [["user": "x"], ["team": "y"]]],
                             labels: ["team": "platform"])
        let plan = makePlan(desired: [live[1], binding], live: live, facts: LiveFacts(imageCounts: ["payments/api": 2]))
        #expect(PlanRenderer.text(plan) == """
        Berth plan, computed 2026-06-01T12:00:00Z
          live:    sha256:live
          desired: sha256:desired

        Berth will perform the following actions:

          # RoleBinding "b" will be created
          + RoleBinding "b" {
              + metadata.labels.team = "platform"
              + repositories         = ["a/*"]
              + role                 = "r"
              + subjects             = [{user = "x"}, {team = "y"}]
            }

          # Repository "payments/*" will be destroyed
          # note: 2 images in payments/api stay governed by another Repository declaration in git
          - Repository "payments/*" {
              - tier = "internal" -> null
            }

        Plan: 1 to create, 0 to update, 1 to delete.

        """)
    }

    @Test func emptyPlan() {
        let plan = makePlan(desired: Fixture.all, live: Fixture.all, source: PlanSource(path: "./declarations"))
        #expect(PlanRenderer.text(plan) == """
        Berth plan, computed 2026-06-01T12:00:00Z
          source:  path ./declarations
          live:    sha256:live
          desired: sha256:desired

        No changes. The registry matches the declarations.

        """)
    }

    @Test func colourIsOptIn() {
        let plain = PlanRenderer.text(Self.goldenPlan)
        #expect(!plain.contains("\u{1B}["))
        let coloured = PlanRenderer.text(Self.goldenPlan, color: true)
        #expect(coloured.contains("\u{1B}[32m+\u{1B}[0m Repository \"web/site\" {"))
        #expect(coloured.contains("\u{1B}[33m~\u{1B}[0m retention.keepLast = 10 -> 20"))
        #expect(coloured.contains("\u{1B}[31m-\u{1B}[0m Repository \"payments/*\" {"))
        #expect(coloured.contains("— \u{1B}[1;31mDESTRUCTIVE\u{1B}[0m: holds 12 images"))
        // Without the escapes it is the plain rendering.
        let stripped = coloured.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        #expect(stripped == plain)
    }

    @Test func stringsAreQuotedAndEscaped() {
        let tier = object(.tier, "t", ["description": "a \"b\"\nc", "x": ["y": [1, true], "a": [:]]])
        let text = PlanRenderer.text(makePlan(desired: [tier], live: []))
        #expect(text.contains(#"+ description = "a \"b\"\nc""# + "\n"))
        #expect(text.contains("+ x.a         = {}\n"))
        #expect(text.contains("+ x.y         = [1, true]\n"))
    }
}

@Suite struct SensitiveValueTests {
    /// alice's hash changes from A to B; carol is created with hash A; bob
    /// (hash A) is deleted.
    static let plan: Plan = {
        let carol = object(.user, "carol", ["passwordHash": .string(hashA)])
        let live = [Fixture.alice, Fixture.bob]
        let desired = [Fixture.alice.with(["passwordHash": .string(hashB), "email": "alice@example.com"]), carol]
        return makePlan(desired: desired, live: live)
    }()

    @Test func fieldsCarryOnlyThePlaceholder() throws {
        let changes = Self.plan.changes
        #expect(changes.map(\.id) == ["User/alice", "User/carol", "User/bob"])
        #expect(changes[0].fields == [FieldChange(path: "passwordHash", before: "(sensitive value)", after: "(sensitive value)", sensitive: true)])
        #expect(changes[1].fields == [FieldChange(path: "passwordHash", before: nil, after: "(sensitive value)", sensitive: true)])
        #expect(changes[2].fields == [FieldChange(path: "passwordHash", before: "(sensitive value)", after: nil, sensitive: true)])
        // The change still carries what apply writes.
        #expect(changes[0].after?.spec["passwordHash"] == .string(hashB))
        #expect(changes[1].after?.spec["passwordHash"] == .string(hashA))
    }

    @Test func aChangedHashIsStillDetected() {
        let plan = makePlan(desired: [Fixture.alice.with(["passwordHash": .string(hashB), "email": "alice@example.com"])],
                            live: [Fixture.alice])
        #expect(plan.summary == PlanSummary(update: 1))
        #expect(plan.changes[0].reasons == ["field changed in git: passwordHash"])
    }

    @Test func textAndMarkdownNeverShowAHash() throws {
        let text = PlanRenderer.text(Self.plan)
        let markdown = PlanRenderer.markdown(Self.plan, desired: .empty)
        for rendering in [text, markdown] {
            #expect(!rendering.contains(hashA))
            #expect(!rendering.contains(hashB))
            #expect(!rendering.contains("$2b$"))
            #expect(rendering.contains("(sensitive value)"))
        }
        #expect(text.contains("~ passwordHash = (sensitive value) -> (sensitive value)"))
        #expect(text.contains("+ passwordHash = (sensitive value)"))
        #expect(text.contains("- passwordHash = (sensitive value) -> null"))
    }

    /// The JSON is the saved form: it carries the hashes apply writes (as
    /// they are in git), once each in `after`, and never a hash that is being
    /// replaced or deleted.
    @Test func jsonCarriesOnlyTheValuesApplyWrites() throws {
        let json = PlanRenderer.json(Self.plan)
        func occurrences(_ needle: String) -> Int { json.components(separatedBy: needle).count - 1 }
        #expect(occurrences(hashB) == 1)  // alice's new hash, in after
        #expect(occurrences(hashA) == 1)  // carol's hash, in after; never alice's or bob's old one
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let changes = try #require(root["changes"] as? [[String: Any]])
        for change in changes {
            let fields = try #require(change["fields"] as? [[String: Any]])
            for field in fields {
                #expect(field["sensitive"] as? Bool == true)
                for side in ["before", "after"] where field[side] != nil {
                    #expect(field[side] as? String == "(sensitive value)")
                }
            }
        }
    }
}

@Suite struct MarkdownRenderingTests {
    static let yaml = """
    \(H)kind: Tier
    metadata: {name: internal}
    spec:
      retention: {keepLast: 20, keepPushedWithin: 30d}
      quota: 200GiB
    ---
    \(H)kind: Tier
    metadata: {name: confidential}
    spec:
      anonymousPull: false
      scanning:
        vulnerabilities: {onPush: block, threshold: high}
      retention: {keepLast: 20, protect: ["v*"]}
    ---
    \(H)kind: Repository
    metadata: {name: "**"}
    spec: {tier: internal}
    ---
    \(H)kind: Repository
    metadata: {name: "web/*"}
    spec:
      tier: internal
      retention: {keepLast: 5}
    ---
    \(H)kind: Repository
    metadata: {name: payments/api}
    spec:
      tier: confidential
      retention: {keepLast: 50}
    ---
    \(H)kind: Repository
    metadata: {name: payments/ledger}
    spec: {tier: confidential}
    ---
    \(H)kind: VulnerabilityException
    metadata: {name: accepted}
    spec: {vulnerability: CVE-2024-0001, repositories: ["payments/*"], expires: 2027-01-31, reason: unreachable}
    ---
    \(H)kind: SecretException
    metadata: {name: fixture-keys}
    spec: {rule: private-key, repositories: ["payments/api"], paths: ["app/testdata/**"], expires: 2027-01-31, reason: fixtures}
    """

    static let desired: DesiredState = {
        let result = loadState(yaml)
        precondition(!result.hasErrors, result.diagnostics.map(\.description).joined(separator: "\n"))
        return result.state
    }()

    /// Live: internal keeps 10, payments/api is absent, and an old glob
    /// holding images is about to go.
    static let plan: Plan = {
        let desiredObjects = desired.canonicalObjects()
        var live = desiredObjects.without(.repository, "payments/api")
            .replacing(desiredObjects.first { $0.name == "internal" }!.with(["retention": ["keepLast": 10, "keepPushedWithin": "30d"], "quota": "200GiB"]))
        live.append(object(.repository, "legacy/*", ["tier": "internal"]))
        return makePlan(desired: desiredObjects, live: live, facts: LiveFacts(imageCounts: ["legacy/app": 4]),
                        source: PlanSource(commit: "3f2a1bc", author: "Alice <alice@example.com>"))
    }()

    @Test func summaryTableAndCaution() {
        let md = PlanRenderer.markdown(Self.plan, desired: Self.desired)
        #expect(md.hasPrefix("### Berth plan\n\n**Plan: 1 to create, 1 to update, 1 to delete.**\n\n"))
        #expect(md.contains("""
        | To create | To update | To delete | Destructive |
        | ---: | ---: | ---: | ---: |
        | 1 | 1 | 1 | 0 |
        """))
        // legacy/app stays governed by "**": noted, not destructive.
        #expect(!md.contains("[!CAUTION]"))
        #expect(md.contains("- 4 images in legacy/app stay governed by another Repository declaration in git\n"))
    }

    @Test func destructiveChangesGetACaution() {
        let live = Self.desired.canonicalObjects().without(.repository, "**") + [object(.repository, "legacy/*", ["tier": "internal"])]
        let plan = makePlan(desired: Self.desired.canonicalObjects().without(.repository, "**"), live: live,
                            facts: LiveFacts(imageCounts: ["legacy/app": 4]))
        let md = PlanRenderer.markdown(plan, desired: Self.desired)
        #expect(md.contains("""
        > [!CAUTION]
        > **1 destructive change** — apply refuses this plan without an explicit opt-in:
        > - Repository `legacy/*` will be destroyed: holds 4 images in legacy/app, which no other Repository declaration governs
        """))
        #expect(md.contains("##### Delete Repository `legacy/*` — ⚠️ destructive\n"))
    }

    @Test func sectionsPerChangeWithDiffBlocks() {
        let md = PlanRenderer.markdown(Self.plan, desired: Self.desired)
        #expect(md.contains("""
        ##### Update Tier `internal`

        - field changed in git: retention.keepLast

        ```diff
        - retention.keepLast = 10
        + retention.keepLast = 20
        ```
        """))
        #expect(md.contains("""
        ##### Create Repository `payments/api`

        - declared in git but absent from the registry

        ```diff
        + retention.keepLast = 50
        + tier               = "confidential"
        ```
        """))
        #expect(md.contains("""
        ##### Delete Repository `legacy/*`

        - not declared in git (would be pruned)
        """))
        #expect(md.hasSuffix("<sub>commit 3f2a1bc, author Alice \\<alice@example.com\\> · live `sha256:live` · desired `sha256:desired` · computed 2026-06-01T12:00:00Z</sub>\n"))
    }

    @Test func effectivePolicyOfEveryTouchedRepository() {
        let md = PlanRenderer.markdown(Self.plan, desired: Self.desired)
        #expect(md.contains("#### Effective policy of touched repositories\n"))
        // The tier update touches both declarations using it; the create touches payments/api.
        let headings = md.split(separator: "\n").filter { $0.hasPrefix("##### `") }
        #expect(headings == [
            "##### `**` — tier `internal`",
            "##### `payments/api` — tier `confidential`",
            "##### `web/*` — tier `internal`",
        ])
        #expect(md.contains("""
        ##### `payments/api` — tier `confidential`

        | Setting | Value | From |
        | --- | --- | --- |
        | tier | `confidential` | Repository payments/api (decl.yaml:31:18) |
        | anonymousPull | `false` | Tier confidential (decl.yaml:12:18) |
        | scanning.vulnerabilities.onPush | `block` | Tier confidential (decl.yaml:14:31) |
        | scanning.vulnerabilities.onPull | `off` | default |
        | scanning.vulnerabilities.threshold | `high` | Tier confidential (decl.yaml:14:49) |
        | scanning.vulnerabilities.rescanEvery | `none` | default |
        | scanning.secrets.onPush | `block` | default |
        | signing | `not required` | default |
        | retention.keepLast | `50` | Repository payments/api (decl.yaml:34:25) |
        | retention.keepPulledWithin | `none` | default |
        | retention.keepPushedWithin | `none` | default |
        | retention.protect | `[v*]` | Tier confidential (decl.yaml:15:38) |
        | immutableTags | `[]` | default |
        | quota | `none` | default |

        Vulnerability exceptions: `accepted`

        Secret exceptions: `fixture-keys`
        """))
        #expect(md.contains("""
        ##### `web/*` — tier `internal`

        Applies to every repository matching `web/*` that no more specific declaration governs.

        """))
        #expect(md.contains("| retention.keepLast | `5` | Repository web/\\* (decl.yaml:27:25) |"))
        #expect(md.contains("| retention.keepPushedWithin | `30d` | Tier internal (decl.yaml:5:47) |"))
        #expect(md.contains("| quota | `200GiB` | Tier internal (decl.yaml:6:10) |"))
        // payments/ledger is untouched.
        #expect(!md.contains("`payments/ledger`"))
    }

    @Test func emptyPlan() {
        let objects = Self.desired.canonicalObjects()
        let md = PlanRenderer.markdown(makePlan(desired: objects, live: objects), desired: Self.desired)
        #expect(md == """
        ### Berth plan

        No changes. The registry matches the declarations.

        <sub>live `sha256:live` · desired `sha256:desired` · computed 2026-06-01T12:00:00Z</sub>

        """)
    }

    @Test func longPlansAreCut() {
        let many = (0..<30).map { object(.team, "team-\(String(format: "%02d", $0))", ["members": []]) }
        let plan = makePlan(desired: many, live: [])
        let md = PlanRenderer.markdown(plan, desired: .empty, maxChanges: 10)
        #expect(md.contains("##### Create Team `team-09`"))
        #expect(!md.contains("##### Create Team `team-10`"))
        #expect(md.contains("_… and 20 more changes not shown here (20 to create, 0 to update, 0 to delete); see the full plan with `berth plan`._"))
    }

    @Test func longFieldListsFold() {
        var spec: [String: ConfigValue] = [:]
        for i in 0..<13 { spec["f\(String(format: "%02d", i))"] = .integer(i) }
        let plan = makePlan(desired: [object(.tier, "t", .object(spec))], live: [])
        let md = PlanRenderer.markdown(plan, desired: .empty)
        #expect(md.contains("<details><summary>13 fields</summary>\n\n```diff\n+ f00 = 0\n"))
        #expect(md.contains("+ f12 = 12\n```\n\n</details>\n"))
    }

    @Test func backticksInValuesCannotBreakTheFence() {
        let plan = makePlan(desired: [object(.tier, "t", ["description": "a ``` b ```` c"])], live: [])
        let md = PlanRenderer.markdown(plan, desired: .empty)
        #expect(md.contains("`````diff\n+ description = \"a ``` b ```` c\"\n`````\n"))
    }
}
