import Declarations
import Foundation
import Lifecycle
import OCI
import Testing

/// Properties of whole plans: the same input in any order plans the same, large repositories plan fast, deletions
/// encode as plans carry them, and rules come from the effective policy.
@Suite struct PlanPropertiesTests {
    @Test func theSameInputInAnyOrderPlansTheSame() {
        var tags = (0..<40).map { tag("t\($0)", on: "image-\($0 % 25)", pushed: Double($0 % 7) * day) }
        tags += [tag(cosignTag(of: "image-3"), on: "signature-3", pushed: 0), tag(cosignTag(of: "image-24"), on: "signature-24", pushed: 0)]
        var manifests = (0..<25).map { manifest("image-\($0)", pushed: 10 * day, pulled: $0 % 4 == 0 ? Double($0) * day : nil) }
        manifests += [manifest("signature-3", pushed: 0), manifest("signature-24", pushed: 0),
                      manifest("index", pushed: 3 * day, children: ["image-1", "loose"]), manifest("loose", pushed: 3 * day),
                      manifest("untagged", pushed: 3 * day), manifest("sbom-5", pushed: 0, subject: "image-5")]
        let rules = RetentionRules(keepLast: 5, keepPulledWithin: span("10d"), protect: patterns("t3?"))
        let reference = plan(tags, manifests, rules)
        #expect(!reference.isEmpty)
        for rotation in [1, 7, 13] {
            let rotatedTags = Array(tags[rotation...] + tags[..<rotation]).reversed()
            let rotatedManifests = Array(manifests[rotation...] + manifests[..<rotation]).reversed()
            #expect(plan(Array(rotatedTags), Array(rotatedManifests), rules) == reference)
        }
    }

    @Test func tenThousandTagsPlanWellUnderASecond() {
        let tags = (0..<10_000).map { tag("build-\($0)", on: "image-\($0)", pushed: Double($0) * 60) }
        let manifests = (0..<10_000).map { manifest("image-\($0)", pushed: Double($0) * 60, pulled: $0 % 10 == 0 ? 0 : nil) }
        let rules = RetentionRules(keepLast: 100, keepPushedWithin: span("2d"), keepPulledWithin: span("1d"), protect: patterns("build-1*"))
        let clock = ContinuousClock()
        var deletions: [RetentionDeletion] = []
        let elapsed = clock.measure { deletions = plan(tags, manifests, rules) }
        #expect(elapsed < .seconds(2), "planning 10,000 tags took \(elapsed)")
        // Tag i was pushed i minutes ago. Kept: pushed within 2d (0...2880, which holds the last 100), pulled (every
        // tenth image), protected (build-1…).
        let keptOlder = (2_881..<10_000).filter { $0 % 10 == 0 || String($0).hasPrefix("1") }.count
        let deleted = 10_000 - 2_881 - keptOlder
        #expect(deletions.count == 2 * deleted)
    }

    @Test func deletionsEncodeWithNamedFields() throws {
        let deletions = [RetentionDeletion(target: .tag("old", digest: digest("old")), reason: "not pushed within 7d"),
                         RetentionDeletion(target: .manifest(digest("old")), reason: "its tags are deleted: old")]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(deletions), as: UTF8.self)
        let hex = digest("old").hex
        #expect(json == #"[{"reason":"not pushed within 7d","target":{"digest":"sha256:\#(hex)","tag":"old"}},"#
            + #"{"reason":"its tags are deleted: old","target":{"manifest":"sha256:\#(hex)"}}]"#)
        #expect(try JSONDecoder().decode([RetentionDeletion].self, from: Data(json.utf8)) == deletions)
    }

    @Test func rulesComeFromTheEffectivePolicy() throws {
        let yaml = """
        apiVersion: berth.dev/v1alpha1
        kind: Tier
        metadata: {name: confidential}
        spec:
          retention: {keepLast: 20, keepPulledWithin: 30d, protect: ["v*"]}
          immutableTags: ["release-*"]
        ---
        apiVersion: berth.dev/v1alpha1
        kind: Repository
        metadata: {name: payments/api}
        spec:
          tier: confidential
          retention: {keepPushedWithin: 14d}
        """
        let result = DeclarationLoader().load([DeclarationFile(path: "policy.yaml", contents: Data(yaml.utf8))], now: now)
        #expect(!result.hasErrors, "\(result.diagnostics)")
        let rules = RetentionRules(try #require(result.state.effectivePolicy(for: "payments/api")))
        #expect(rules == RetentionRules(keepLast: 20, keepPushedWithin: span("14d"), keepPulledWithin: span("30d"),
                                        protect: patterns("v*"), immutable: patterns("release-*")))
        #expect(rules.summary == "keepLast 20, keepPushedWithin 14d, keepPulledWithin 30d, protect [v*], immutable [release-*]")
        #expect(RetentionRules(nil) == RetentionRules())
        #expect(RetentionRules(nil).isEmpty)
    }

    @Test func summariesReadAsPlansPrintThem() {
        #expect(RetentionRules(keepLast: 50).summary == "keepLast 50")
        #expect(RetentionRules(keepLast: 20, keepPushedWithin: span("30d")).summary == "keepLast 20, keepPushedWithin 30d")
        #expect(RetentionRules().summary == "no retention rules")
    }
}
