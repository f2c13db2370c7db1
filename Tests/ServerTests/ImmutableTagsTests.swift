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
            #expect(try await client.request(.DELETE, "/v2/web/site/manifests/\(first.digest)").status == 403, "deleting it by digest would remove v1")

            try await Self.apply(Self.declarations(immutable: "[]"), to: server)
            let movedLater = try await client.request(.PUT, "/v2/web/site/manifests/v1", headers: [("Content-Type", MediaType.ociManifest)], body: second.bytes)
            #expect(movedLater.status == 201, "the apply lifted the rule at once: \(movedLater.text)")
        }
    }
}

/// `/metrics` through swift-metrics and swift-prometheus: every request counted and timed by route family and status class.
@Suite struct HTTPMetricsTests {
    @Test func requestsAreCountedByFamilyAndStatusClass() async throws {
        try await withServer { client, _ in
            let image = try await client.pushImage("team/app", tag: "v1")
            for _ in 0..<3 { _ = try await client.request(.GET, "/v2/team/app/manifests/\(image.digest)") }
            _ = try await client.request(.GET, "/v2/team/app/manifests/missing")
            _ = try await client.request(.GET, "/admin/v1/status")
            let text = try await client.request(.GET, "/metrics", headers: [("Authorization", "-")]).text
            #expect(text.contains(#"berth_http_requests_total{family="manifest",status="2xx"} 4"#), "\(text)")
            #expect(text.contains(#"berth_http_requests_total{family="manifest",status="4xx"} 1"#), "\(text)")
            #expect(text.contains(#"berth_http_requests_total{family="blob",status="2xx"}"#) == false, "uploads are not blobs")
            #expect(text.contains(#"berth_http_requests_total{family="upload",status="2xx"}"#), "\(text)")
            #expect(text.contains(#"berth_http_requests_total{family="admin",status="2xx"} 1"#), "\(text)")
            #expect(text.contains(#"berth_http_request_duration_seconds_count{family="manifest",status="2xx"} 4"#), "\(text)")
            #expect(text.contains("berth_reconcile_total 0") && text.contains("berth_ready 0"), "the reconcile metrics exist before any step")
        }
    }
}
