import AdminAPI
import Declarations
import Foundation
import OCI
import Reconciler
import Server
import TestSupport
import Testing

/// Declared quotas enforced on uploads and manifest pushes, kept incrementally, shown in the admin API, in metrics,
/// and in plans that lower them below what is used.
@Suite struct QuotaTests {
    /// The layers are raw bytes in whole KiB, so the figures are round: the tier does not scan them for secrets.
    static func declarations(quota: String) -> String {
        """
        apiVersion: berth.dev/v1alpha1
        kind: Tier
        metadata: {name: small}
        spec: {quota: \(quota), scanning: {secrets: {onPush: off}, vulnerabilities: {onPush: off}}}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: Repository
        metadata: {name: "q/**"}
        spec: {tier: small}
        """
    }

    static let config = Array(#"{"architecture":"amd64","os":"linux"}"#.utf8)

    /// Pushes the config and a 1 KiB layer, then the manifest naming them; returns the manifest and the PUT's response.
    static func push(_ client: RegistryClient, tag: String, layer: [UInt8]) async throws -> (manifest: [UInt8], put: RegistryResponse) {
        try await client.pushBlob("q/app", config)
        try await client.pushBlob("q/app", layer)
        let manifest = imageManifest(config: (Digest.compute(config), config.count), layers: [(Digest.compute(layer), layer.count)])
        let put = try await client.request(.PUT, "/v2/q/app/manifests/\(tag)", headers: [("Content-Type", MediaType.ociManifest)], body: manifest)
        return (manifest, put)
    }

    @Test func uploadsAndPushesPastTheQuotaAreRefusedAndDeletingFreesRoom() async throws {
        try await withServer(configure: { try await ImmutableTagsTests.apply(Self.declarations(quota: "10KiB"), to: $0) }) { client, server in
            let layers = (0..<4).map { _ in randomBytes(1024) }
            let first = try await Self.push(client, tag: "v1", layer: layers[0])
            #expect(first.put.status == 201)
            #expect(try await Self.push(client, tag: "v2", layer: layers[1]).put.status == 201)
            // The config is shared: 38 bytes once, and 1 KiB per layer.
            let used = Int64(Self.config.count + 2048)
            let usage = try await RemoteAdmin(baseURL: client.base, token: testAdminPassword).usage()
            #expect(usage.repositories == [AdminWire.Usage.Repository(repository: "q/app", usedBytes: used, quotaBytes: 10240, quota: "10KiB",
                                                                      quotaSource: "tier small")])
            // Uploaded while there is room, named by a manifest once there is none.
            try await client.pushBlob("q/app", layers[2])
            try await ImmutableTagsTests.apply(Self.declarations(quota: "3KiB"), to: server)
            let third = imageManifest(config: (Digest.compute(Self.config), Self.config.count), layers: [(Digest.compute(layers[2]), 1024)])
            let refused = try await client.request(.PUT, "/v2/q/app/manifests/v3", headers: [("Content-Type", MediaType.ociManifest)], body: third)
            #expect(refused.status == 403 && refused.errorCode == "DENIED")
            #expect(refused.text.contains("quota 3KiB of tier small exceeded: 2KiB used + 1KiB"), "\(refused.text)")
            #expect(try await client.request(.HEAD, "/v2/q/app/manifests/v3").status == 404, "a refused push stores nothing")

            let upload = try await client.request(.POST, "/v2/q/app/blobs/uploads/?digest=\(Digest.compute(layers[3]))",
                                                  headers: [("Content-Type", "application/octet-stream")], body: layers[3])
            #expect(upload.status == 403 && upload.text.contains("quota 3KiB of tier small exceeded"),
                    "an upload that alone would exceed the quota is refused at its commit: \(upload.text)")
            #expect(try await client.request(.HEAD, "/v2/q/app/blobs/\(Digest.compute(layers[3]))").status == 404)

            #expect(try await client.request(.DELETE, "/v2/q/app/manifests/\(Digest.compute(first.manifest))").status == 202)
            let accepted = try await client.request(.PUT, "/v2/q/app/manifests/v3", headers: [("Content-Type", MediaType.ociManifest)], body: third)
            #expect(accepted.status == 201, "deleting an image frees its blobs' bytes: \(accepted.text)")

            let metrics = try await client.request(.GET, "/metrics", headers: [("Authorization", "-")]).text
            #expect(metrics.contains(#"berth_repository_usage_bytes{repository="q/app"} \#(used)"#), "\(metrics)")
            #expect(metrics.contains(#"berth_repository_quota_bytes{repository="q/app"} 3072"#), "\(metrics)")
        }
    }

    @Test func aPlanThatLowersAQuotaBelowUsageWarnsWithTheFigures() async throws {
        try await withServer(configure: { try await ImmutableTagsTests.apply(Self.declarations(quota: "10KiB"), to: $0) }) { client, server in
            for index in 0..<3 { #expect(try await Self.push(client, tag: "v\(index)", layer: randomBytes(1024)).put.status == 201) }
            let loaded = DeclarationLoader(keyChecks: .server).load([DeclarationFile(path: "q.yaml", contents: Data(Self.declarations(quota: "2KiB").utf8))])
            let plan = try await Reconciliation.withConsequences(
                try Reconciliation.plan(desired: loaded.state, provenance: Provenance(reference: "test"), live: try await server.admin.liveState()),
                from: server.admin)
            let used = Int64(Self.config.count + 3 * 1024)
            #expect(plan.quotaWarnings == [QuotaWarning(repository: "q/app", usedBytes: used, quotaBytes: 2048, quota: "2KiB", source: "tier small")])
            #expect(PlanRenderer.text(plan).contains("Warning: q/app uses 3KiB, over its new quota 2KiB (tier small): pushes that add blobs will be refused"),
                    "\(PlanRenderer.text(plan))")
            #expect(try Plan.decode(plan.encoded()).quotaWarnings == plan.quotaWarnings)
            let raising = DeclarationLoader(keyChecks: .server).load([DeclarationFile(path: "q.yaml", contents: Data(Self.declarations(quota: "20KiB").utf8))])
            let fine = try await Reconciliation.withConsequences(
                try Reconciliation.plan(desired: raising.state, provenance: Provenance(reference: "test"), live: try await server.admin.liveState()),
                from: server.admin)
            #expect(fine.quotaWarnings.isEmpty, "raising a quota warns of nothing")
        }
    }
}
