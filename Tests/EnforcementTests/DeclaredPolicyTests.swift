import Declarations
import Enforcement
import Foundation
import OCI
import Registry
import Storage
import TestSupport
import Testing

@Suite struct DeclaredPolicyTests {
    static let declarations = """
        apiVersion: berth.dev/v1alpha1
        kind: Tier
        metadata: {name: internal}
        spec: {immutableTags: ["v*"]}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: Repository
        metadata: {name: "web/**"}
        spec: {tier: internal}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: Repository
        metadata: {name: "payments/*"}
        spec: {tier: internal, immutableTags: ["release-*", "latest"]}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: Repository
        metadata: {name: "scratch/*"}
        spec: {tier: internal, immutableTags: []}
        """

    /// A policy over empty stores in a temporary folder, configured with `declarations`.
    static func withPolicy(_ body: (DeclaredPolicy) async throws -> Void) async throws {
        let loaded = DeclarationLoader().load([DeclarationFile(path: "policy.yaml", contents: Data(declarations.utf8))])
        try #require(loaded.errors.isEmpty, "\(loaded.errors)")
        try await withTemporaryDirectory { folder in
            let stores = try EmbeddedStores(dataDirectory: folder)
            let policy = DeclaredPolicy(blobs: stores.blobs, metadata: stores.metadata)
            await policy.configurationChanged(to: loaded.state)
            try await body(policy)
        }
    }

    static let caller = RegistryCaller(identity: "tester", mayPull: { _ in true }, mayPush: { _ in true })
    static let digest = Digest.compute(Array("manifest".utf8))

    func fixedTags(_ policy: DeclaredPolicy, _ repository: String, _ tags: [String]) async throws -> [String: String] {
        let empty = ParsedManifest(mediaType: MediaType.ociIndex, blobs: [], manifests: [])
        let write = ManifestWrite.put(repository: RepositoryName(repository)!, digest: Self.digest, tags: tags.map { OCI.Tag($0)! }, manifest: empty)
        guard case .allow(let fixed) = await policy.decide(write, by: Self.caller) else {
            Issue.record("a put is never refused outright for immutability")
            return [:]
        }
        return Dictionary(uniqueKeysWithValues: fixed.map { ($0.key.value, $0.value.message) })
    }

    @Test func tagsMatchingTheTiersPatternsAreFixedAndTheRefusalNamesPatternAndSource() async throws {
        try await Self.withPolicy { (policy: DeclaredPolicy) async throws in
            let fixed = try await fixedTags(policy, "web/site", ["v1", "latest", "v2.0.1"])
            #expect(fixed == ["v1": "tag v1 is immutable (tier internal: v*)", "v2.0.1": "tag v2.0.1 is immutable (tier internal: v*)"])
        }
    }

    @Test func aRepositoryDeclarationOverridesTheTiersPatterns() async throws {
        try await Self.withPolicy { (policy: DeclaredPolicy) async throws in
            #expect(try await fixedTags(policy, "payments/api", ["v1", "release-3", "latest"]) == [
                "release-3": "tag release-3 is immutable (repository payments/*: release-*)",
                "latest": "tag latest is immutable (repository payments/*: latest)",
            ])
            #expect(try await fixedTags(policy, "scratch/tmp", ["v1"]).isEmpty, "an empty list declared on the repository turns the tier's off")
        }
    }

    @Test func undeclaredRepositoriesHaveNoImmutableTags() async throws {
        try await Self.withPolicy { (policy: DeclaredPolicy) async throws in
            #expect(try await fixedTags(policy, "elsewhere/app", ["v1"]).isEmpty)
        }
    }

    @Test func deletingAnImmutableTagIsRefusedAndOthersAreAllowed() async throws {
        try await Self.withPolicy { (policy: DeclaredPolicy) async throws in
            let refused = await policy.decide(.deleteTag(repository: RepositoryName("web/site")!, tag: OCI.Tag("v3")!), by: Self.caller)
            guard case .refuse(let error) = refused else {
                Issue.record("deleting v3 was allowed")
                return
            }
            #expect(error.code == .denied && error.status == .forbidden && error.message == "tag v3 is immutable (tier internal: v*)")
            let allowed = await policy.decide(.deleteTag(repository: RepositoryName("web/site")!, tag: OCI.Tag("nightly")!), by: Self.caller)
            guard case .allow(let fixed) = allowed else {
                Issue.record("deleting nightly was refused")
                return
            }
            #expect(fixed.isEmpty)
        }
    }

    @Test func deletingAManifestAnImmutableTagPointsAtIsRefused() async throws {
        try await Self.withPolicy { (policy: DeclaredPolicy) async throws in
            let write = ManifestWrite.deleteManifest(repository: RepositoryName("web/site")!, digest: Self.digest,
                                                     tags: [OCI.Tag("nightly")!, OCI.Tag("v4")!])
            guard case .refuse(let error) = await policy.decide(write, by: Self.caller) else {
                Issue.record("deleting a manifest tagged v4 was allowed")
                return
            }
            #expect(error.message == "tag v4 is immutable (tier internal: v*)")
            let untagged = ManifestWrite.deleteManifest(repository: RepositoryName("web/site")!, digest: Self.digest, tags: [OCI.Tag("nightly")!])
            guard case .allow = await policy.decide(untagged, by: Self.caller) else {
                Issue.record("deleting a manifest with no immutable tag was refused")
                return
            }
        }
    }

    @Test func aNewConfigurationReplacesTheRulesOfRepositoriesAlreadyAsked() async throws {
        try await Self.withPolicy { (policy: DeclaredPolicy) async throws in
            #expect(try await fixedTags(policy, "web/site", ["v1"]).count == 1)
            await policy.configurationChanged(to: .empty)
            #expect(try await fixedTags(policy, "web/site", ["v1"]).isEmpty)
        }
    }

    @Test func readsAreServed() async throws {
        let read = ManifestRead(repository: RepositoryName("web/site")!, digest: Self.digest, mediaType: MediaType.ociManifest)
        try await Self.withPolicy { (policy: DeclaredPolicy) async throws in
            #expect(await policy.decide(read, by: Self.caller) == nil)
        }
    }
}
