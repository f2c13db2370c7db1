import Foundation
import OCI
import Reconciler
import Server
import TestSupport
import Testing

/// Secret scanning as declarations change it: exceptions that accept findings (until they lapse), a tier moving from
/// warn to block, and plans that say which stored images those changes quarantine before they are applied.
@Suite struct SecretScanPolicyTests {
    /// A GitHub token made at run time (fake, well formed), so no secret-looking value sits in the source.
    static let token: String = {
        var generator = SplitMix64(seed: 14)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return "ghp_" + String((0..<36).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }()

    static func declarations(action: String, exception: Bool) -> String {
        var yaml = """
            apiVersion: berth.dev/v1alpha1
            kind: Tier
            metadata: {name: guarded}
            spec:
              anonymousPull: true
              scanning: {secrets: {onPush: \(action)}, vulnerabilities: {onPush: off}}
            ---
            apiVersion: berth.dev/v1alpha1
            kind: Repository
            metadata: {name: "team/*"}
            spec: {tier: guarded}

            """
        if exception {
            yaml += """
                ---
                apiVersion: berth.dev/v1alpha1
                kind: SecretException
                metadata: {name: ci-fixture-token}
                spec:
                  rule: github-token
                  repositories: ["team/*"]
                  paths: ["app/**"]
                  expires: 2099-01-01
                  reason: a revoked token kept in a test fixture
                  owner: platform

                """
        }
        return yaml
    }

    /// Pushes an image whose one layer holds the token at app/settings.yaml:2.
    static func pushImageWithToken(_ client: RegistryClient, tag: String) async throws -> (put: RegistryResponse, digest: Digest) {
        let layer = tarArchive([(path: "app/settings.yaml", contents: Array("name: app\ntoken: \(token)\n".utf8))])
        let config = Array(#"{"architecture":"amd64","os":"linux"}"#.utf8)
        let manifest = imageManifest(config: (try await client.pushBlob("team/app", config), config.count),
                                     layers: [(try await client.pushBlob("team/app", layer), layer.count)])
        let put = try await client.request(.PUT, "/v2/team/app/manifests/\(tag)", headers: [("Content-Type", MediaType.ociManifest)], body: manifest)
        return (put, Digest.compute(manifest))
    }

    static func anonymousStatus(_ client: RegistryClient, _ tag: String) async throws -> RegistryResponse {
        try await client.request(.GET, "/v2/team/app/manifests/\(tag)", headers: [("Authorization", "-"), ("Accept", MediaType.ociManifest)])
    }

    @Test func anExceptionReleasesUntilItLapsesAndAPlanRemovingItShowsTheQuarantine() async throws {
        try await withServer(configure: { try await ImmutableTagsTests.apply(Self.declarations(action: "block", exception: true), to: $0) }) { client, server in
            let pushed = try await Self.pushImageWithToken(client, tag: "v1")
            #expect(pushed.put.status == 201, "\(pushed.put.text)")
            let verdict = try #require(try await server.policy.verdict(repository: RepositoryName("team/app")!, reference: .tag(OCI.Tag("v1")!)))
            #expect(verdict.status == .released)
            #expect(verdict.releasedUntil == ISO8601DateFormatter().date(from: "2099-01-02T00:00:00Z"), "released until the exception lapses")
            let finding = try #require(verdict.scan?.findings.first)
            #expect(finding.exception == "ci-fixture-token" && finding.finding.rule == "github-token")
            #expect(finding.finding.path == "app/settings.yaml" && finding.finding.line == 2 && finding.finding.preview == "ghp_…")
            #expect(try await Self.anonymousStatus(client, "v1").status == 200)

            let plan = try await SigningFixture.plan(Self.declarations(action: "block", exception: false), against: server)
            #expect(plan.consequences == [ImageConsequence(repository: "team/app", effect: .quarantine, count: 1, digests: [pushed.digest.description],
                                                           reason: "SecretException ci-fixture-token removed")], "\(plan.consequences)")
            #expect(try await Self.anonymousStatus(client, "v1").status == 200, "a plan changes nothing")

            try await ImmutableTagsTests.apply(Self.declarations(action: "block", exception: false), to: server)
            let refused = try await Self.anonymousStatus(client, "v1")
            #expect(refused.status == 403 && refused.text.contains("secrets found (tier guarded blocks them): github-token at app/settings.yaml:2"),
                    "\(refused.text)")
            #expect(!refused.text.contains(Self.token), "the refusal never carries the secret")
            let again = try await Self.pushImageWithToken(client, tag: "v2")
            #expect(again.put.status == 403 && again.put.errorCode == "DENIED", "without the exception a push is refused: \(again.put.text)")
        }
    }

    @Test func aTierMovingFromWarnToBlockQuarantinesWhatItWarnedAbout() async throws {
        try await withServer(configure: { try await ImmutableTagsTests.apply(Self.declarations(action: "warn", exception: false), to: $0) }) { client, server in
            let pushed = try await Self.pushImageWithToken(client, tag: "v1")
            #expect(pushed.put.status == 201, "a warning tier takes it: \(pushed.put.text)")
            #expect(try await Self.anonymousStatus(client, "v1").status == 200)
            let clean = try await client.pushImage("team/app", tag: "clean")
            #expect(try await client.request(.GET, "/metrics").text.contains("berth_layer_scans_total 2"), "one layer each, read once")

            let plan = try await SigningFixture.plan(Self.declarations(action: "block", exception: false), against: server)
            #expect(plan.consequences == [ImageConsequence(repository: "team/app", effect: .quarantine, count: 1, digests: [pushed.digest.description],
                                                           reason: "secrets.onPush changes from warn to block (tier guarded)")], "\(plan.consequences)")
            try await ImmutableTagsTests.apply(Self.declarations(action: "block", exception: false), to: server)
            #expect(try await Self.anonymousStatus(client, "v1").status == 403)
            #expect(try await client.request(.GET, "/v2/team/app/manifests/\(clean.digest)", headers: [("Authorization", "-")]).status == 200,
                    "a clean image stays released")
        }
    }

    @Test func blobsOfRepositoriesThatScanNothingAreNotRead() async throws {
        try await withServer(configure: { try await ImmutableTagsTests.apply(Self.declarations(action: "off", exception: false), to: $0) }) { client, server in
            let pushed = try await Self.pushImageWithToken(client, tag: "v1")
            #expect(pushed.put.status == 201)
            let metrics = try await client.request(.GET, "/metrics").text
            #expect(metrics.contains("berth_layer_scans_total 0"), "\(metrics)")
            let verdict = try await server.policy.verdict(repository: RepositoryName("team/app")!, reference: .tag(OCI.Tag("v1")!))
            #expect(verdict?.scan == nil)
        }
    }
}
