import Foundation
import Synchronization
import NIOHTTP1
import OCI
import Registry
import TestSupport
import Testing

/// The registry asks its `ManifestPolicy` per manifest read and write, and does what it answers.
@Suite struct ManifestPolicyTests {
    /// Fixes `fixed` tags, refuses deleting them, and withholds the digests in `withheld`.
    struct FixingPolicy: ManifestPolicy {
        var fixed: Set<String> = []
        var withheld: Set<Digest> = []

        func refusal(_ tag: OCI.Tag) -> RegistryError { RegistryError(.denied, status: .forbidden, "tag \(tag) is fixed by the test policy") }

        func decide(_ write: ManifestWrite, by caller: RegistryCaller) async -> ManifestWriteDecision {
            switch write {
            case .put(_, _, let tags, _):
                return .allow(fixedTags: Dictionary(uniqueKeysWithValues: tags.filter { fixed.contains($0.value) }.map { ($0, refusal($0)) }))
            case .deleteTag(_, let tag):
                return fixed.contains(tag.value) ? .refuse(refusal(tag)) : .allow
            case .deleteManifest(_, _, let tags):
                return tags.first { fixed.contains($0.value) }.map { .refuse(refusal($0)) } ?? .allow
            }
        }

        func decide(_ read: ManifestRead, by caller: RegistryCaller) async -> RegistryError? {
            withheld.contains(read.digest) ? RegistryError(.denied, status: .forbidden, "\(read.repository)@\(read.digest) is withheld by the test policy") : nil
        }

        func written(_ write: ManifestWrite) async {}
        func quota(for repository: RepositoryName) -> Quota? { nil }
    }

    /// Allows everything, and keeps what it was asked and told.
    final class RecordingPolicy: ManifestPolicy {
        let reads = Mutex<[ManifestRead]>([])
        let writes = Mutex<[ManifestWrite]>([])

        func decide(_ write: ManifestWrite, by caller: RegistryCaller) async -> ManifestWriteDecision { .allow }
        func decide(_ read: ManifestRead, by caller: RegistryCaller) async -> RegistryError? {
            reads.withLock { $0.append(read) }
            return nil
        }
        func written(_ write: ManifestWrite) async { writes.withLock { $0.append(write) } }
        func quota(for repository: RepositoryName) -> Quota? { nil }
    }

    @Test func aFixedTagCanBeCreatedAndRePushedButNotMovedOrDeleted() async throws {
        try await withRegistry(policy: FixingPolicy(fixed: ["v1", "v9"])) { client in
            let first = try await client.pushImage("team/app", tag: "v1")
            // The same manifest again: pushes stay idempotent.
            let again = try await client.request(.PUT, "/v2/team/app/manifests/v1", headers: [("Content-Type", MediaType.ociManifest)], body: first.bytes)
            #expect(again.status == 201)

            let other = try await client.pushImage("team/app", tag: "v2")
            let moved = try await client.request(.PUT, "/v2/team/app/manifests/v1", headers: [("Content-Type", MediaType.ociManifest)], body: other.bytes)
            #expect(moved.status == 403)
            #expect(moved.errorCode == "DENIED")
            #expect(moved.text.contains("tag v1 is fixed by the test policy"), "\(moved.text)")
            let movedByQuery = try await client.request(.PUT, "/v2/team/app/manifests/\(other.digest)?tag=v1",
                                                        headers: [("Content-Type", MediaType.ociManifest)], body: other.bytes)
            #expect(movedByQuery.status == 403, "a ?tag= names tags too")
            let still = try await client.request(.HEAD, "/v2/team/app/manifests/v1")
            #expect(still["Docker-Content-Digest"] == first.digest.description, "a refused put changes nothing")

            let deleted = try await client.request(.DELETE, "/v2/team/app/manifests/v1")
            #expect(deleted.status == 403 && deleted.errorCode == "DENIED")
            #expect(try await client.request(.DELETE, "/v2/team/app/manifests/v9").status == 404, "a fixed tag that is not there is unknown")
            let deletedByDigest = try await client.request(.DELETE, "/v2/team/app/manifests/\(first.digest)")
            #expect(deletedByDigest.status == 403 && deletedByDigest.text.contains("tag v1 is fixed"), "deleting the manifest would remove v1")
            #expect(try await client.request(.DELETE, "/v2/team/app/manifests/v2").status == 202, "other tags are not fixed")
        }
    }

    @Test func concurrentPushesOfDifferentManifestsToANewFixedTagLeaveItOnOne() async throws {
        try await withRegistry(policy: FixingPolicy(fixed: ["v1"])) { client in
            let images = try await withThrowingTaskGroup(of: (bytes: [UInt8], digest: Digest).self) { group in
                for index in 0..<4 { group.addTask { try await client.pushImage("team/app", tag: "base-\(index)") } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for image in images {
                    group.addTask {
                        try await client.request(.PUT, "/v2/team/app/manifests/v1", headers: [("Content-Type", MediaType.ociManifest)], body: image.bytes).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 201 }.count == 1 && statuses.filter { $0 == 403 }.count == 3, "\(statuses)")
        }
    }

    @Test func aWithheldManifestIsNotServedByTagOrDigest() async throws {
        let manifest = imageManifest(config: (Digest.compute(Array("{}".utf8)), 2), layers: [])
        let digest = Digest.compute(manifest)
        try await withRegistry(policy: FixingPolicy(withheld: [digest])) { client in
            try await client.pushBlob("team/app", Array("{}".utf8))
            let put = try await client.request(.PUT, "/v2/team/app/manifests/latest", headers: [("Content-Type", MediaType.ociManifest)], body: manifest)
            #expect(put.status == 201)
            for reference in ["latest", digest.description] {
                for method in [HTTPMethod.GET, .HEAD] {
                    let read = try await client.request(method, "/v2/team/app/manifests/\(reference)")
                    #expect(read.status == 403, "\(method) \(reference)")
                    if method == .GET { #expect(read.errorCode == "DENIED" && read.text.contains("withheld by the test policy")) }
                }
            }
        }
    }

    @Test func thePolicyIsToldOfEveryWriteThatLandsAndSeesHowAReadWasAsked() async throws {
        let policy = RecordingPolicy()
        try await withRegistry(policy: policy) { client in
            let image = try await client.pushImage("team/app", tag: "v1")
            let repository = RepositoryName("team/app")!
            let manifest = try ParsedManifest.parse(image.bytes, contentType: MediaType.ociManifest)
            #expect(policy.writes.withLock { $0 } == [.put(repository: repository, digest: image.digest, tags: [OCI.Tag("v1")!], manifest: manifest)])

            _ = try await client.request(.GET, "/v2/team/app/manifests/v1")
            _ = try await client.request(.HEAD, "/v2/team/app/manifests/\(image.digest)")
            let reads = policy.reads.withLock { $0 }
            #expect(reads.map(\.tag) == [OCI.Tag("v1")!, nil], "by tag, then by digest")
            #expect(reads.allSatisfy { $0.digest == image.digest && $0.repository == repository })

            #expect(try await client.request(.DELETE, "/v2/team/app/manifests/v1").status == 202)
            #expect(try await client.request(.DELETE, "/v2/team/app/manifests/v1").status == 404)
            #expect(try await client.request(.DELETE, "/v2/team/app/manifests/\(image.digest)").status == 202)
            #expect(policy.writes.withLock { $0 }.dropFirst() == [
                .deleteTag(repository: repository, tag: OCI.Tag("v1")!),
                .deleteManifest(repository: repository, digest: image.digest, tags: []),
            ], "a delete that found nothing is not a write")
        }
    }
}
