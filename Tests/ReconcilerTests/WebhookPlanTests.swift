import Foundation
import Testing
import Declarations
import Reconciler

/// A Webhook goes through plan, its renderings and the saved plan like any other kind, and nothing about one is
/// destructive.
@Suite struct WebhookPlanTests {
    static let declarations = """
    \(H)kind: Webhook
    metadata: {name: security-feed}
    spec:
      url: https://hooks.example.com/berth
      events: [manifest-push, verdict-change, secrets-found]
      secretRef: {env: BERTH_WEBHOOK_SECURITY}
      timeout: 5s
    ---
    \(H)kind: Webhook
    metadata: {name: audit-archive}
    spec:
      url: https://archive.example.com/berth
      events: [configuration-apply]
      secretRef: {file: /etc/berth/archive.key}
    """

    /// security-feed changes its events and timeout, audit-archive is new, and old-feed is no longer declared.
    static let plan: Plan = {
        let loaded = loadState(declarations)
        precondition(!loaded.hasErrors, "\(loaded.diagnostics)")
        let live = [
            object(.webhook, "security-feed", [
                "url": "https://hooks.example.com/berth", "events": ["manifest-push", "verdict-change"],
                "secretRef": ["env": "BERTH_WEBHOOK_SECURITY"], "timeout": "10s",
            ]),
            object(.webhook, "old-feed", [
                "url": "https://old.example.com/hook", "events": ["tag-delete"], "repositories": ["payments/*"],
                "secretRef": ["file": "/etc/berth/old.key"], "timeout": "10s",
            ]),
        ]
        return makePlan(desired: loaded.state.canonicalObjects(), live: live)
    }()

    @Test func createsUpdatesAndDeletesWebhooks() throws {
        let plan = Self.plan
        #expect(plan.changes.map { "\($0.action.rawValue) \($0.id)" } == [
            "create Webhook/audit-archive", "update Webhook/security-feed", "delete Webhook/old-feed",
        ])
        #expect(plan.summary == PlanSummary(create: 1, update: 1, delete: 1, destructive: 0))
        #expect(!plan.hasDestructiveChanges)
        let update = plan.changes[1]
        #expect(update.fields == [
            FieldChange(path: "events", before: ["manifest-push", "verdict-change"],
                        after: ["manifest-push", "secrets-found", "verdict-change"]),
            FieldChange(path: "timeout", before: "10s", after: "5s"),
        ])
        #expect(plan.changes[0].after?.spec["timeout"] == "10s", "the default timeout is written")
    }

    @Test func text() {
        #expect(PlanRenderer.text(Self.plan) == """
        Berth plan, computed 2026-06-01T12:00:00Z
          live:    sha256:live
          desired: sha256:desired

        Berth will perform the following actions:

          # Webhook "audit-archive" will be created
          + Webhook "audit-archive" {
              + events         = ["configuration-apply"]
              + secretRef.file = "/etc/berth/archive.key"
              + timeout        = "10s"
              + url            = "https://archive.example.com/berth"
            }

          # Webhook "security-feed" will be updated in place
          ~ Webhook "security-feed" {
              ~ events  = ["manifest-push", "verdict-change"] -> ["manifest-push", "secrets-found", "verdict-change"]
              ~ timeout = "10s" -> "5s"
            }

          # Webhook "old-feed" will be destroyed
          - Webhook "old-feed" {
              - events         = ["tag-delete"] -> null
              - repositories   = ["payments/*"] -> null
              - secretRef.file = "/etc/berth/old.key" -> null
              - timeout        = "10s" -> null
              - url            = "https://old.example.com/hook" -> null
            }

        Plan: 1 to create, 1 to update, 1 to delete.

        """)
    }

    @Test func markdown() {
        let md = PlanRenderer.markdown(Self.plan, desired: loadState(Self.declarations).state)
        #expect(md.contains("##### Create Webhook `audit-archive`\n"))
        #expect(md.contains("##### Update Webhook `security-feed`\n"))
        #expect(md.contains("##### Delete Webhook `old-feed`\n"))
        #expect(!md.contains("[!CAUTION]"))
    }

    @Test func savedPlanReadsBack() throws {
        #expect(try Plan.decode(Self.plan.encoded()) == Self.plan)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(PlanRenderer.json(Self.plan).utf8)) as? [String: Any])
        let kinds = (json["changes"] as? [[String: Any]])?.compactMap { $0["kind"] as? String }
        #expect(kinds == ["Webhook", "Webhook", "Webhook"])
    }
}
