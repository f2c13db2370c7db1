import AdminAPI
import Declarations
import Foundation
import OCI
import Reconciler
import Server
import TestSupport
import Testing

/// Deleting a Repository declaration with `--allow-destroy` takes the images no other declaration governs with it.
@Suite struct PruneTests {
    static func declarations(_ repositories: [String]) -> String {
        let tier = """
            apiVersion: berth.dev/v1alpha1
            kind: Tier
            metadata: {name: internal}
            spec: {}
            """
        let declared: [String] = repositories.map { name in
            """
            apiVersion: berth.dev/v1alpha1
            kind: Repository
            metadata: {name: "\(name)"}
            spec: {tier: internal}
            """
        }
        return ([tier] + declared).joined(separator: "\n---\n")
    }

    static func plan(_ yaml: String, against server: BerthServer) async throws -> Plan {
        let loaded = DeclarationLoader().load([DeclarationFile(path: "r.yaml", contents: Data(yaml.utf8))])
        guard !loaded.hasErrors else { throw TestFailure("\(loaded.errors)") }
        return try Reconciliation.plan(desired: loaded.state, provenance: Provenance(reference: "test"), live: try await server.admin.liveState())
    }

    @Test func aDestroyedDeclarationsOrphanedRepositoriesLoseTheirImagesAndGovernedOnesKeepThem() async throws {
        try await withServer(configure: { server in
            try await ImmutableTagsTests.apply(Self.declarations(["gone/**", "shared/**", "shared/app"]), to: server)
        }) { client, server in
            let gone = try await client.pushImage("gone/app", tag: "v1")
            let kept = try await client.pushImage("shared/app", tag: "v1")
            #expect(try await client.request(.GET, "/v2/gone/app/manifests/v1").status == 200, "cached before the apply")

            let plan = try await Self.plan(Self.declarations(["shared/app"]), against: server)
            #expect(plan.destructiveChanges.map(\.name) == ["gone/**"], "shared/** leaves shared/app governed: \(plan.destructiveChanges)")
            await #expect(throws: ReconciliationError.self) { try await Reconciliation.apply(plan, through: server.admin, allowDestroy: false) }
            #expect(try await client.request(.GET, "/v2/gone/app/manifests/v1").status == 200, "a refused apply deletes nothing")

            _ = try await Reconciliation.apply(plan, through: server.admin, allowDestroy: true)
            #expect(try await client.request(.GET, "/v2/gone/app/manifests/v1").status == 404)
            #expect(try await client.request(.GET, "/v2/gone/app/manifests/\(gone.digest)").status == 404)
            #expect(try await client.request(.GET, "/v2/shared/app/manifests/\(kept.digest)").status == 200, "still governed by shared/app")
            let tags = try await client.request(.GET, "/v2/gone/app/tags/list").text
            #expect(tags.contains(#""tags":[]"#) || tags.contains(#""tags":null"#), "\(tags)")
        }
    }

    @Test func theAdminAPICarriesThePruneOfAnApplyWithAllowDestroy() async throws {
        try await withServer(configure: { server in
            try await ImmutableTagsTests.apply(Self.declarations(["gone/**", "other/**"]), to: server)
        }) { client, server in
            _ = try await client.pushImage("gone/app", tag: "v1")
            _ = try await client.pushImage("other/app", tag: "v1")
            let remote = RemoteAdmin(baseURL: client.base, token: testAdminPassword)
            let loaded = DeclarationLoader().load([DeclarationFile(path: "r.yaml", contents: Data(Self.declarations(["other/**"]).utf8))])
            let plan = try Reconciliation.plan(desired: loaded.state, provenance: Provenance(reference: "test"), live: try await remote.liveState())
            _ = try await Reconciliation.apply(plan, through: remote, allowDestroy: true)
            #expect(try await client.request(.HEAD, "/v2/gone/app/manifests/v1").status == 404)
            #expect(try await client.request(.HEAD, "/v2/other/app/manifests/v1").status == 200)
        }
    }
}
