import Foundation
import Testing
import Declarations
import Reconciler

@Suite struct PlanCodingTests {
    /// A plan with every action, a destructive change, a sensitive field
    /// and a full source.
    static let plan: Plan = {
        let live = Fixture.all.without(.repository, "**")
        var desired = live.without(.repository, "payments/*")
            .replacing(Fixture.internalTier.with(["retention": ["keepLast": 20]]))
            .replacing(Fixture.alice.with(["passwordHash": .string(hashB), "email": "alice@example.com"]))
        desired.append(object(.repository, "web/*", ["tier": "internal", "description": "Web \"front\" ends\nand more"]))
        return makePlan(desired: desired.sorted(), live: live, facts: LiveFacts(imageCounts: ["payments/web": 2]),
                        source: PlanSource(commit: "3f2a1bc", author: "Alice <alice@example.com>", ref: "refs/heads/main"))
    }()

    @Test func saveAndLoadRoundTrip() throws {
        let data = Self.plan.encoded()
        let loaded = try Plan.decode(data)
        #expect(loaded == Self.plan)
        // Stable: loading and saving again gives the same bytes.
        #expect(loaded.encoded() == data)
        #expect(PlanRenderer.json(Self.plan) == String(decoding: data, as: UTF8.self))
    }

    @Test func savedFormIsPrettySortedAndDocumented() throws {
        let text = String(decoding: Self.plan.encoded(), as: UTF8.self)
        #expect(text.hasPrefix("{\n"))
        #expect(text.hasSuffix("}\n"))
        #expect(text.contains("\"payments/*\""))  // slashes not escaped
        let root = try #require(try JSONSerialization.jsonObject(with: Self.plan.encoded()) as? [String: Any])
        #expect(Set(root.keys) == ["formatVersion", "createdAt", "source", "liveFingerprint", "desiredFingerprint", "changes", "summary"])
        #expect(root["formatVersion"] as? Int == 1)
        #expect(root["createdAt"] as? String == "2026-06-01T12:00:00Z")
        #expect(root["source"] as? [String: String] == ["commit": "3f2a1bc", "author": "Alice <alice@example.com>", "ref": "refs/heads/main"])
        #expect(root["summary"] as? [String: Int] == ["create": 1, "update": 2, "delete": 1, "destructive": 1])
        let changes = try #require(root["changes"] as? [[String: Any]])
        let delete = try #require(changes.first { $0["action"] as? String == "delete" })
        #expect(delete["after"] == nil)
        #expect(delete["destructive"] as? Bool == true)
        #expect(Set(delete.keys) == ["action", "kind", "name", "fields", "destructive", "reasons"])
        let create = try #require(changes.first { $0["action"] as? String == "create" })
        let after = try #require(create["after"] as? [String: Any])
        #expect(Set(after.keys) == ["kind", "name", "spec"])
        let fields = try #require(create["fields"] as? [[String: Any]])
        #expect(fields.allSatisfy { $0["before"] == nil && $0["sensitive"] == nil })
    }

    @Test func theSavedFormMatchesTheSchemaFile() throws {
        // The schema names exactly the fields the encoder writes.
        let schemaURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("spec/plan.schema.json")
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: schemaURL)) as? [String: Any])
        #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        let properties = try #require(schema["properties"] as? [String: Any])
        #expect(Set(properties.keys) == ["formatVersion", "createdAt", "source", "liveFingerprint", "desiredFingerprint", "changes", "summary",
                                         "consequences", "quotaWarnings", "retention", "expiringExceptions", "unmatchedExceptions"])
        let defs = try #require(schema["$defs"] as? [String: Any])
        for (name, keys) in [("change", ["action", "kind", "name", "fields", "destructive", "reasons", "after"]),
                             ("fieldChange", ["path", "before", "after", "sensitive"]),
                             ("canonicalObject", ["kind", "name", "labels", "annotations", "spec"]),
                             ("source", ["commit", "author", "ref", "path"]),
                             ("summary", ["create", "update", "delete", "destructive"]),
                             ("consequence", ["repository", "effect", "count", "digests", "reason"]),
                             ("quotaWarning", ["repository", "usedBytes", "quotaBytes", "quota", "source"]),
                             ("retentionConsequence", ["repository", "deletedTags", "keptTags", "tags", "change"]),
                             ("expiringException", ["kind", "name", "covers", "expires", "lapsesAt", "daysLeft", "owner"]),
                             ("unmatchedException", ["name", "vulnerability", "databaseVersion"])] {
            let def = try #require(defs[name] as? [String: Any], "missing $defs.\(name)")
            let props = try #require(def["properties"] as? [String: Any])
            #expect(Set(props.keys) == Set(keys), "$defs.\(name)")
            #expect(def["additionalProperties"] as? Bool == false, "$defs.\(name)")
        }
    }

    // MARK: Decode errors

    static func mutated(_ edit: (inout [String: Any]) -> Void) -> Data {
        var root = try! JSONSerialization.jsonObject(with: plan.encoded()) as! [String: Any]
        edit(&root)
        return try! JSONSerialization.data(withJSONObject: root)
    }

    @Test(arguments: [
        (Data("not json".utf8), "not a plan: the file is not JSON"),
        (Data("[1, 2]".utf8), "not a plan: the JSON is not an object; expected a file written by 'berth plan --out'"),
        (Data(#"{"kind": "Tier"}"#.utf8), "not a plan: it has no formatVersion field; expected a file written by 'berth plan --out'"),
        (Data(#"{"formatVersion": "1"}"#.utf8), "not a plan: its formatVersion is not an integer; expected a file written by 'berth plan --out'"),
        (Data(#"{"formatVersion": 2, "whatever": true}"#.utf8),
         "unsupported plan format version 2; this berth reads version 1. Make the plan again with this version of berth"),
        (mutated { $0["changes"] = nil }, "invalid plan: changes: missing required field"),
        (mutated { $0["createdAt"] = "yesterday" },
         "invalid plan: createdAt: expected an RFC 3339 UTC timestamp such as 2026-06-01T12:00:00Z, found \"yesterday\""),
        (mutated { root in
            var s = root["summary"] as! [String: Any]
            s["create"] = 5
            root["summary"] = s
        }, "invalid plan: summary: does not match the changes (they count 1 to create, 2 to update, 1 to delete, 1 destructive)"),
        (mutated { root in
            var changes = root["changes"] as! [[String: Any]]
            changes[0]["action"] = "explode"
            root["changes"] = changes
        }, "invalid plan: changes[0].action: Cannot initialize Action from invalid String value explode"),
        (mutated { root in
            var changes = root["changes"] as! [[String: Any]]
            changes[0]["after"] = nil
            root["changes"] = changes
        }, "invalid plan: changes[0].after: an update must carry the object to write"),
        (mutated { root in
            var changes = root["changes"] as! [[String: Any]]
            let i = changes.firstIndex { $0["action"] as? String == "delete" }!
            changes[i]["after"] = changes[0]["after"]
            root["changes"] = changes
        }, "invalid plan: changes[3].after: a delete carries no object"),
        (mutated { root in
            var changes = root["changes"] as! [[String: Any]]
            changes[0]["name"] = "other"
            root["changes"] = changes
        }, "invalid plan: changes[0].after: the object is Tier/internal, not Tier/other"),
    ])
    func decodeErrorsAreClear(data: Data, message: String) {
        #expect {
            try Plan.decode(data)
        } throws: { error in
            let text = "\(error)"
            return message.hasSuffix("JSON") ? text.hasPrefix(message) : text == message
        }
    }

    @Test func staleness() {
        #expect(Self.plan.isCurrent(liveFingerprint: "sha256:live"))
        #expect(!Self.plan.isCurrent(liveFingerprint: "sha256:other"))
    }
}

/// `spec/plan.example.json`: a saved plan with every action, a destructive
/// change and a sensitive field, checked against the schema by
/// `spec/check-plan-schema.py`. `BERTH_UPDATE_EXAMPLES=1` rewrites it.
@Suite struct PlanExampleTests {
    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("spec/plan.example.json")

    static let plan: Plan = {
        let live = Fixture.all.without(.repository, "**")
        var desired = live.without(.repository, "payments/*")
            .replacing(Fixture.internalTier.with(["retention": ["keepLast": 20], "quota": "200GiB"]))
            .replacing(Fixture.alice.with(["passwordHash": .string(hashB), "email": "alice@example.com"]))
        var web = object(.repository, "web/*", ["tier": "internal", "description": "Web front ends"])
        web.labels = ["team": "web"]
        desired.append(web)
        var plan = Planner.plan(
            desired: desired.sorted(), live: live, facts: LiveFacts(imageCounts: ["payments/web": 5, "payments/worker": 7, "payments/api": 3]),
            liveFingerprint: "sha256:8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4",
            desiredFingerprint: "sha256:3b1ef3ef7c3bd1c4c5e0b5e8b2a9e6a0f1c1d5e2f7a8b9c0d1e2f3a4b5c6d7e8",
            source: PlanSource(commit: "3f2a1bc9d0e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8", author: "Alice <alice@example.com>", ref: "refs/heads/main"),
            now: fixedNow)
        plan.consequences = [ImageConsequence(
            repository: "web/site", effect: .quarantine, count: 2,
            digests: ["sha256:0c5e3f4b1a2d3c4b5a6f7e8d9c0b1a2f3e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b",
                      "sha256:7d1f0e2c3b4a5968778695a4b3c2d1e0f9e8d7c6b5a49382716a5b4c3d2e1f0a"],
            reason: "tier internal will require signatures by 1 of [release-pipeline]")]
        plan.quotaWarnings = [QuotaWarning(repository: "web/site", usedBytes: 241_172_480_000, quotaBytes: 214_748_364_800, quota: "200GiB",
                                           source: "tier internal")]
        plan.retention = [RetentionConsequence(repository: "payments/api", deletedTags: 37, keptTags: 0, tags: (1...10).map { "v1.\($0)" },
                                               change: "keepLast 50 → keepLast 20")]
        return plan
    }()

    @Test func exampleFileIsCurrent() throws {
        let data = Self.plan.encoded()
        if ProcessInfo.processInfo.environment["BERTH_UPDATE_EXAMPLES"] != nil {
            try data.write(to: Self.url)
        }
        let saved = try Data(contentsOf: Self.url)
        #expect(try Plan.decode(saved) == Self.plan)
        let a = try JSONSerialization.jsonObject(with: saved) as? NSDictionary
        let b = try JSONSerialization.jsonObject(with: data) as? NSDictionary
        #expect(a == b)
    }
}
