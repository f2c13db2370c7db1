import Declarations
import Foundation
import OCI
import Reconciler
import Server
import Storage
import TestSupport
import Testing

/// The declared `immutableTags` reach the registry through the server's policy, and follow every apply.
@Suite struct ImmutableTagsTests {
    static func apply(_ yaml: String, to server: BerthServer) async throws {
        let loaded = DeclarationLoader().load([DeclarationFile(path: "tiers.yaml", contents: Data(yaml.utf8))])
        guard loaded.errors.isEmpty else { throw TestFailure("declarations do not validate: \(loaded.errors)") }
        let live = try await server.admin.liveState()
        let plan = try Reconciliation.plan(desired: loaded.state, provenance: Provenance(reference: "test"), live: live)
        _ = try await Reconciliation.apply(plan, through: server.admin, allowDestroy: true)
    }

    static func declarations(immutable patterns: String) -> String {
        """
        apiVersion: berth.dev/v1alpha1
        kind: Tier
        metadata: {name: internal}
        spec: {immutableTags: \(patterns)}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: Repository
        metadata: {name: "web/**"}
        spec: {tier: internal}
        """
    }

    @Test func aTagMatchingTheTiersPatternCannotBeMovedUntilTheDeclarationChanges() async throws {
        try await withServer(configure: { try await Self.apply(Self.declarations(immutable: #"["v*"]"#), to: $0) }) { client, server in
            let first = try await client.pushImage("web/site", tag: "v1")
            let second = try await client.pushImage("web/site", tag: "candidate")
            let moved = try await client.request(.PUT, "/v2/web/site/manifests/v1", headers: [("Content-Type", MediaType.ociManifest)], body: second.bytes)
            #expect(moved.status == 403 && moved.errorCode == "DENIED")
            #expect(moved.text.contains("tag v1 is immutable (tier internal: v*)"), "\(moved.text)")
            #expect(try await client.request(.HEAD, "/v2/web/site/manifests/v1")["Docker-Content-Digest"] == first.digest.description)
            #expect(try await client.request(.DELETE, "/v2/web/site/manifests/v1").status == 403)

            try await Self.apply(Self.declarations(immutable: "[]"), to: server)
            let movedLater = try await client.request(.PUT, "/v2/web/site/manifests/v1", headers: [("Content-Type", MediaType.ociManifest)], body: second.bytes)
            #expect(movedLater.status == 201, "the apply lifted the rule at once: \(movedLater.text)")
        }
    }
}
