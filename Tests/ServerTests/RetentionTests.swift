import AdminAPI
import Foundation
import Lifecycle
import OCI
import Server
import TestSupport
import Testing

/// Retention through the server: the admin API plans and runs it, what it deletes is gone from the registry at once
/// (its cache follows), and pulls keep what `keepPulledWithin` protects.
@Suite struct RetentionTests {
    static func declarations(_ retention: String) -> String {
        """
        apiVersion: berth.dev/v1alpha1
        kind: Tier
        metadata: {name: short}
        spec: {retention: \(retention)}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: Repository
        metadata: {name: "r/**"}
        spec: {tier: short}
        """
    }

    @Test func theAdminAPIPlansAndRunsRetentionAndTheRegistryForgetsWhatItDeleted() async throws {
        try await withServer(configure: { try await ImmutableTagsTests.apply(Self.declarations("{keepLast: 1}"), to: $0) }) { client, server in
            let images = [try await client.pushImage("r/app", tag: "v1"), try await client.pushImage("r/app", tag: "v2"),
                          try await client.pushImage("r/app", tag: "v3")]
            #expect(try await client.request(.GET, "/v2/r/app/manifests/v1").status == 200, "cached before the run")
            let admin = RemoteAdmin(baseURL: client.base, token: testAdminPassword)
            let plan = try await admin.retention(run: false)
            #expect(!plan.applied && plan.deletedTags == 2 && plan.deletedManifests == 2, "\(plan)")
            let run = try await admin.retention(run: true)
            #expect(run.applied && run.repositories.first?.deletions == plan.repositories.first?.deletions)
            for (index, image) in images.enumerated() {
                let expected = index == 2 ? 200 : 404
                #expect(try await client.request(.GET, "/v2/r/app/manifests/v\(index + 1)").status == expected, "v\(index + 1)")
                #expect(try await client.request(.GET, "/v2/r/app/manifests/\(image.digest)").status == expected, "\(image.digest)")
            }
            let runs = try await client.request(.GET, "/admin/v1/retention/runs").text
            #expect(runs.contains(#""deletedTags":2"#) && runs.contains(#""deletedManifests":2"#), "\(runs)")
            let metrics = try await client.request(.GET, "/metrics", headers: [("Authorization", "-")]).text
            #expect(metrics.contains("berth_retention_deleted_tags_total 2"), "\(metrics)")
        }
    }

    @Test func aPulledImageIsKeptByKeepPulledWithin() async throws {
        try await withServer(adjust: { $0.pullTimeFlushInterval = .milliseconds(50) },
                             configure: { try await ImmutableTagsTests.apply(Self.declarations("{keepPulledWithin: 1h}"), to: $0) }) { client, server in
            let pulled = try await client.pushImage("r/app", tag: "pulled")
            _ = try await client.pushImage("r/app", tag: "idle")
            #expect(try await client.request(.GET, "/v2/r/app/manifests/\(pulled.digest)").status == 200)
            #expect(try await client.request(.HEAD, "/v2/r/app/manifests/idle").status == 200, "a HEAD is no pull")
            let admin = RemoteAdmin(baseURL: client.base, token: testAdminPassword)
            var plan = try await admin.retention(run: false)
            for _ in 0..<100 where plan.deletedTags != 1 {
                try await Task.sleep(for: .milliseconds(50))
                plan = try await admin.retention(run: false)
            }
            let deleted = plan.repositories.flatMap(\.deletions).compactMap { deletion -> String? in
                if case .tag(let name, _) = deletion.target { name } else { nil }
            }
            #expect(deleted == ["idle"], "the pull reached the store within a flush: \(plan)")
        }
    }
}
