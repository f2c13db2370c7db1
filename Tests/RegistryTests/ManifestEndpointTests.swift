import Foundation
import NIOHTTP1
import OCI
import TestSupport
import Testing

@Suite struct ManifestEndpointTests {
    @Test func manifestRoundTripsByteForByteByTagAndDigest() async throws {
        try await withRegistry { client in
            let (bytes, digest) = try await client.pushImage("team/app", tag: "v1")
            for reference in ["v1", digest.description] {
                let get = try await client.request(.GET, "/v2/team/app/manifests/\(reference)", headers: [("Accept", MediaType.ociManifest)])
                #expect(get.status == 200)
                #expect(get.body == bytes)
                #expect(get["Content-Type"] == MediaType.ociManifest)
                #expect(get["Docker-Content-Digest"] == digest.description)
                #expect(get["Content-Length"] == String(bytes.count))
                let head = try await client.request(.HEAD, "/v2/team/app/manifests/\(reference)")
                #expect(head.status == 200)
                #expect(head["Content-Length"] == String(bytes.count))
                #expect(head["Docker-Content-Digest"] == digest.description)
            }
            let unknown = try await client.request(.GET, "/v2/team/app/manifests/v2")
            #expect(unknown.status == 404)
            #expect(unknown.errorCode == "MANIFEST_UNKNOWN")
        }
    }

    /// What the conformance suite asks for: a reference that cannot be a tag names no manifest, so reading or
    /// deleting it is a 404; only storing under it is refused as an invalid tag. A malformed digest stays a 400.
    @Test func aReferenceThatIsNoTagIsUnknownToReadAndInvalidToWrite() async throws {
        try await withRegistry { client in
            try await client.pushImage("team/app", tag: "v1")
            for reference in [".INVALID_MANIFEST_NAME", "-dash", String(repeating: "t", count: 129)] {
                for method in [HTTPMethod.GET, .HEAD, .DELETE] {
                    let response = try await client.request(method, "/v2/team/app/manifests/\(reference)")
                    #expect(response.status == 404, "\(method) \(reference): \(response.status)")
                    if method != .HEAD { #expect(response.errorCode == "MANIFEST_UNKNOWN") }
                }
                let put = try await client.request(.PUT, "/v2/team/app/manifests/\(reference)", headers: [("Content-Type", MediaType.ociManifest)],
                                                   body: Array("{}".utf8))
                #expect(put.status == 400 && put.errorCode == "TAG_INVALID", "PUT \(reference): \(put.status) \(put.text)")
            }
            let malformed = try await client.request(.GET, "/v2/team/app/manifests/sha256:totallywrong")
            #expect(malformed.status == 400 && malformed.errorCode == "DIGEST_INVALID")
        }
    }

    @Test func manifestReferencingMissingBlobIsRejected() async throws {
        try await withRegistry { client in
            let config = Array("{}".utf8)
            let configDigest = try await client.pushBlob("r", config)
            let missing = Digest.compute([1, 2, 3])
            let manifest = imageManifest(config: (configDigest, config.count), layers: [(missing, 3)])
            let response = try await client.request(.PUT, "/v2/r/manifests/v1", headers: [("Content-Type", MediaType.ociManifest)], body: manifest)
            #expect(response.status == 400)
            #expect(response.errorCode == "MANIFEST_BLOB_UNKNOWN")
            #expect(response.text.contains(missing.description))
            #expect(try await client.request(.GET, "/v2/r/manifests/v1").status == 404)
        }
    }

    @Test func blobsInAnotherRepositoryDoNotCount() async throws {
        try await withRegistry { client in
            let config = Array("{}".utf8)
            let configDigest = try await client.pushBlob("elsewhere", config)
            let manifest = imageManifest(config: (configDigest, config.count), layers: [])
            let response = try await client.request(.PUT, "/v2/r/manifests/v1", headers: [("Content-Type", MediaType.ociManifest)], body: manifest)
            #expect(response.errorCode == "MANIFEST_BLOB_UNKNOWN")
        }
    }

    @Test func invalidManifestsAreRejected() async throws {
        try await withRegistry { client in
            let cases: [(String, [UInt8])] = [
                (MediaType.ociManifest, Array("not json".utf8)),
                (MediaType.ociManifest, Array("[]".utf8)),
                (MediaType.ociManifest, Array(#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}"#.utf8)),
                (MediaType.ociManifest, Array(#"{"schemaVersion":1,"config":{"mediaType":"a/b","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":1},"layers":[]}"#.utf8)),
                (MediaType.ociIndex, Array(#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{}}"#.utf8)),
                (MediaType.ociManifest, Array(#"{"schemaVersion":2,"config":{"mediaType":"a/b","digest":"sha256:zz","size":1},"layers":[]}"#.utf8)),
                ("application/vnd.docker.distribution.manifest.v1+prettyjws", Array(#"{"schemaVersion":1}"#.utf8)),
            ]
            for (contentType, body) in cases {
                let response = try await client.request(.PUT, "/v2/r/manifests/bad", headers: [("Content-Type", contentType)], body: body)
                #expect(response.status == 400, "\(String(decoding: body, as: UTF8.self))")
                #expect(response.errorCode == "MANIFEST_INVALID", "\(response.text)")
            }
        }
    }

    @Test func digestInURLMustMatchContent() async throws {
        try await withRegistry { client in
            let config = Array("{}".utf8)
            let configDigest = try await client.pushBlob("r", config)
            let manifest = imageManifest(config: (configDigest, config.count), layers: [])
            let wrong = Digest.compute([0])
            let response = try await client.request(.PUT, "/v2/r/manifests/\(wrong)", headers: [("Content-Type", MediaType.ociManifest)], body: manifest)
            #expect(response.status == 400)
            #expect(response.errorCode == "DIGEST_INVALID")
            let right = Digest.compute(manifest)
            let ok = try await client.request(.PUT, "/v2/r/manifests/\(right)", headers: [("Content-Type", MediaType.ociManifest)], body: manifest)
            #expect(ok.status == 201)
            #expect(ok["Location"] == "/v2/r/manifests/\(right)")
        }
    }

    @Test func indexNeedsItsChildManifests() async throws {
        try await withRegistry { client in
            let (amd64, amd64Digest) = try await client.pushImage("multi", tag: "amd64")
            let missing = Digest.compute([42])
            func index(_ children: [(Digest, Int)]) -> [UInt8] {
                let object: [String: Any] = [
                    "schemaVersion": 2, "mediaType": MediaType.ociIndex,
                    "manifests": children.map { ["mediaType": MediaType.ociManifest, "digest": $0.0.description, "size": $0.1,
                                                 "platform": ["architecture": "amd64", "os": "linux"]] },
                ]
                return Array(try! JSONSerialization.data(withJSONObject: object, options: .sortedKeys))
            }
            let broken = try await client.request(.PUT, "/v2/multi/manifests/latest", headers: [("Content-Type", MediaType.ociIndex)],
                                                  body: index([(amd64Digest, amd64.count), (missing, 10)]))
            #expect(broken.errorCode == "MANIFEST_BLOB_UNKNOWN")
            let good = index([(amd64Digest, amd64.count)])
            let stored = try await client.request(.PUT, "/v2/multi/manifests/latest", headers: [("Content-Type", MediaType.ociIndex)], body: good)
            #expect(stored.status == 201)
            let get = try await client.request(.GET, "/v2/multi/manifests/latest")
            #expect(get["Content-Type"] == MediaType.ociIndex)
            #expect(get.body == good)
        }
    }

    @Test func dockerSchema2ManifestsAndLists() async throws {
        try await withRegistry { client in
            let config = Array(#"{"architecture":"amd64"}"#.utf8)
            let layer = randomBytes(100)
            let configDigest = try await client.pushBlob("d", config)
            let layerDigest = try await client.pushBlob("d", layer)
            let manifest = Array("""
                {"schemaVersion":2,"mediaType":"\(MediaType.dockerManifest)","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":\(config.count),"digest":"\(configDigest)"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":\(layer.count),"digest":"\(layerDigest)"}]}
                """.utf8)
            let put = try await client.request(.PUT, "/v2/d/manifests/v1", headers: [("Content-Type", MediaType.dockerManifest)], body: manifest)
            #expect(put.status == 201)
            let list = Array("""
                {"schemaVersion":2,"mediaType":"\(MediaType.dockerManifestList)","manifests":[{"mediaType":"\(MediaType.dockerManifest)","size":\(manifest.count),"digest":"\(Digest.compute(manifest))","platform":{"architecture":"amd64","os":"linux"}}]}
                """.utf8)
            let putList = try await client.request(.PUT, "/v2/d/manifests/latest", headers: [("Content-Type", MediaType.dockerManifestList)], body: list)
            #expect(putList.status == 201)
            let get = try await client.request(.GET, "/v2/d/manifests/latest")
            #expect(get["Content-Type"] == MediaType.dockerManifestList)
            #expect(get.body == list)
        }
    }

    @Test func artifactsWithSubjectsAndTheReferrersAPI() async throws {
        try await withRegistry { client in
            let (subjectBytes, subject) = try await client.pushImage("app", tag: "v1")
            let empty = Array("{}".utf8)
            let emptyDigest = try await client.pushBlob("app", empty)
            let payload = randomBytes(64)
            let payloadDigest = try await client.pushBlob("app", payload)
            func artifact(_ type: String) -> [UInt8] {
                imageManifest(config: (emptyDigest, empty.count), layers: [(payloadDigest, payload.count)],
                              subject: (subject, subjectBytes.count), artifactType: type,
                              annotations: ["org.example.kind": type], configMediaType: MediaType.ociEmpty)
            }
            let signature = artifact("application/vnd.example.signature")
            let sbom = artifact("application/spdx+json")
            for manifest in [signature, sbom] {
                let put = try await client.request(.PUT, "/v2/app/manifests/\(Digest.compute(manifest))", headers: [("Content-Type", MediaType.ociManifest)], body: manifest)
                #expect(put.status == 201)
                #expect(put["OCI-Subject"] == subject.description)
            }
            struct Index: Decodable {
                let schemaVersion: Int
                let mediaType: String
                let manifests: [Descriptor]
            }
            let all = try await client.request(.GET, "/v2/app/referrers/\(subject)")
            #expect(all.status == 200)
            #expect(all["Content-Type"] == MediaType.ociIndex)
            let index = try all.json(Index.self)
            #expect(index.schemaVersion == 2)
            #expect(Set(index.manifests.map(\.digest)) == [Digest.compute(signature), Digest.compute(sbom)])
            let signatureEntry = index.manifests.first { $0.digest == Digest.compute(signature) }
            #expect(signatureEntry?.artifactType == "application/vnd.example.signature")
            #expect(signatureEntry?.size == Int64(signature.count))
            #expect(signatureEntry?.annotations?["org.example.kind"] == "application/vnd.example.signature")

            let filtered = try await client.request(.GET, "/v2/app/referrers/\(subject)?artifactType=application/spdx%2Bjson")
            #expect(filtered["OCI-Filters-Applied"] == "artifactType")
            #expect(try filtered.json(Index.self).manifests.map(\.digest) == [Digest.compute(sbom)])

            let none = try await client.request(.GET, "/v2/app/referrers/\(Digest.compute([1]))")
            #expect(none.status == 200)
            #expect(try none.json(Index.self).manifests.isEmpty)
            let invalid = try await client.request(.GET, "/v2/app/referrers/sha256:nope")
            #expect(invalid.status == 400)
            #expect(invalid.errorCode == "DIGEST_INVALID")
        }
    }

    @Test func configMediaTypeIsTheArtifactTypeWhenNoneIsGiven() async throws {
        try await withRegistry { client in
            let (subjectBytes, subject) = try await client.pushImage("app", tag: "v1")
            let config = Array(#"{"kind":"sbom"}"#.utf8)
            let configDigest = try await client.pushBlob("app", config)
            let manifest = imageManifest(config: (configDigest, config.count), layers: [], subject: (subject, subjectBytes.count),
                                         configMediaType: "application/vnd.example.sbom.config")
            #expect(try await client.request(.PUT, "/v2/app/manifests/sbom", headers: [("Content-Type", MediaType.ociManifest)], body: manifest).status == 201)
            let referrers = try await client.request(.GET, "/v2/app/referrers/\(subject)")
            #expect(referrers.text.contains("application/vnd.example.sbom.config"))
        }
    }

    @Test func deletingByDigestRemovesItsTagsAndDeletingATagKeepsTheManifest() async throws {
        try await withRegistry { client in
            let (_, digest) = try await client.pushImage("r", tag: "v1")
            let retag = try await client.request(.GET, "/v2/r/manifests/v1")
            #expect(try await client.request(.PUT, "/v2/r/manifests/stable", headers: [("Content-Type", MediaType.ociManifest)], body: retag.body).status == 201)
            #expect(try await client.request(.DELETE, "/v2/r/manifests/stable").status == 202)
            #expect(try await client.request(.GET, "/v2/r/manifests/stable").status == 404)
            #expect(try await client.request(.GET, "/v2/r/manifests/\(digest)").status == 200)
            #expect(try await client.request(.DELETE, "/v2/r/manifests/\(digest)").status == 202)
            #expect(try await client.request(.GET, "/v2/r/manifests/v1").status == 404)
            #expect(try await client.request(.GET, "/v2/r/manifests/\(digest)").status == 404)
            let again = try await client.request(.DELETE, "/v2/r/manifests/\(digest)")
            #expect(again.status == 404)
            #expect(again.errorCode == "MANIFEST_UNKNOWN")
        }
    }

    @Test func tagsMoveToTheLatestPush() async throws {
        try await withRegistry { client in
            _ = try await client.pushImage("r", tag: "latest", annotations: ["n": "1"])
            let (_, second) = try await client.pushImage("r", tag: "latest", annotations: ["n": "2"])
            #expect(try await client.request(.HEAD, "/v2/r/manifests/latest")["Docker-Content-Digest"] == second.description)
        }
    }

    @Test func oversizedManifestIsRefused() async throws {
        try await withRegistry { client in
            let huge = Array(repeating: UInt8(ascii: " "), count: (4 << 20) + 1)
            let response = try await client.request(.PUT, "/v2/r/manifests/big", headers: [("Content-Type", MediaType.ociManifest)], body: huge)
            #expect(response.status == 413)
            #expect(response.errorCode == "SIZE_INVALID")
        }
    }

    @Test func pushByDigestWithSeveralTags() async throws {
        try await withRegistry { client in
            let config = Array("{}".utf8)
            let configDigest = try await client.pushBlob("r", config)
            let manifest = imageManifest(config: (configDigest, config.count), layers: [])
            let digest = Digest.compute(manifest)
            let put = try await client.request(.PUT, "/v2/r/manifests/\(digest)?tag=a&tag=b", headers: [("Content-Type", MediaType.ociManifest)], body: manifest)
            #expect(put.status == 201)
            #expect(put.headers["OCI-Tag"] == ["a", "b"], "one OCI-Tag per accepted tag: \(put.headers)")
            struct Tags: Decodable { let tags: [String] }
            #expect(try await client.request(.GET, "/v2/r/tags/list").json(Tags.self).tags == ["a", "b"])
            let byTag = try await client.request(.PUT, "/v2/r/manifests/c", headers: [("Content-Type", MediaType.ociManifest)], body: manifest)
            #expect(byTag.status == 201 && byTag.headers["OCI-Tag"].isEmpty)
        }
    }
}
