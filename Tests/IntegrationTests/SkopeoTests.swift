import Foundation
import TestSupport
import Testing

/// Real-client tests: skopeo pushes to and pulls from a `berth serve` child process.
@Suite("skopeo against berth", .timeLimit(.minutes(5)))
struct SkopeoTests {
    @Test("single-arch OCI image: push, inspect --raw, pull back with identical digests")
    func singleArchRoundTrip() async throws {
        try await withServerAndSkopeo("single") { tmp, server, skopeo in
            let (layout, image) = try await Fixtures.singleArch(in: tmp, largeFileBytes: 3 << 20)
            let ref = "docker://\(server.host)/team/app:v1"
            let digestFile = tmp.url.appendingPathComponent("pushed.digest")

            try await skopeo.succeed(["copy", "--preserve-digests", "--dest-tls-verify=false",
                                      "--digestfile", digestFile.path, "oci:\(layout.path):v1", ref], "push")
            let pushedDigest = try String(contentsOf: digestFile, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(pushedDigest == image.manifest.digest)

            let raw = try await skopeo.succeed(["inspect", "--raw", "--tls-verify=false", ref], "inspect --raw")
            #expect(raw.stdout == image.manifestBytes, """
                inspect --raw by tag returned other bytes:
                got      \(raw.stdoutString)
                expected \(String(decoding: image.manifestBytes, as: UTF8.self))
                """)
            let byDigest = try await skopeo.succeed(
                ["inspect", "--raw", "--tls-verify=false",
                 "docker://\(server.host)/team/app@\(image.manifest.digest)"], "inspect --raw by digest")
            #expect(byDigest.stdout == image.manifestBytes)

            let config = try await skopeo.succeed(["inspect", "--config", "--raw", "--tls-verify=false", ref],
                                                  "inspect --config --raw")
            #expect(config.stdout == image.configBytes, "config blob bytes differ: \(config.stdoutString)")

            let out = tmp.url.appendingPathComponent("pulled")
            try await skopeo.succeed(["copy", "--src-tls-verify=false", ref, "oci:\(out.path):v1"], "pull")
            try expectSameImage(source: layout, sourceTag: "v1", copy: out, copyTag: "v1")

            // A second push of the same image finds every blob present and must still succeed.
            try await skopeo.succeed(["copy", "--preserve-digests", "--dest-tls-verify=false",
                                      "oci:\(layout.path):v1", ref], "re-push")
        }
    }

    @Test("multi-arch OCI index: push --all, inspect every manifest, pull --all and per-platform")
    func multiArchRoundTrip() async throws {
        try await withServerAndSkopeo("multi") { tmp, server, skopeo in
            let (layout, built) = try await Fixtures.multiArch(in: tmp)
            let ref = "docker://\(server.host)/team/app:multi"

            try await skopeo.succeed(["copy", "--all", "--preserve-digests", "--dest-tls-verify=false",
                                      "oci:\(layout.path):multi", ref], "push --all")

            let raw = try await skopeo.succeed(["inspect", "--raw", "--tls-verify=false", ref], "inspect index")
            #expect(raw.stdout == built.indexBytes, "index bytes differ: \(raw.stdoutString)")
            for image in built.images {
                let platformRef = "docker://\(server.host)/team/app@\(image.manifest.digest)"
                let manifest = try await skopeo.succeed(["inspect", "--raw", "--tls-verify=false", platformRef],
                                                        "inspect \(image.manifest.platform!.architecture)")
                #expect(manifest.stdout == image.manifestBytes,
                        "\(image.manifest.platform!.architecture) manifest bytes differ")
            }

            try await RegistryClient.with(baseURL: server.baseURL, authorization: TestEnvironment.adminAuthorization) { client in
                let get = try await client.getManifest("team/app", reference: "multi")
                #expect(get.status == 200 && Data(get.body) == built.indexBytes, "\(get)")
                #expect(get.header("Content-Type") == MediaType.ociIndex, "\(get)")
                #expect(get.header("Docker-Content-Digest") == built.index.digest, "\(get)")
            }

            let out = tmp.url.appendingPathComponent("pulled-all")
            try await skopeo.succeed(["copy", "--all", "--src-tls-verify=false", ref, "oci:\(out.path):multi"],
                                     "pull --all")
            try expectSameImage(source: layout, sourceTag: "multi", copy: out, copyTag: "multi")

            // Without --all skopeo resolves the index to one platform and fetches that manifest by digest.
            let arm = built.images.first { $0.manifest.platform?.architecture == "arm64" }!
            let armOut = tmp.url.appendingPathComponent("pulled-arm64")
            try await skopeo.succeed(["--override-os", "linux", "--override-arch", "arm64",
                                      "--override-variant", "v8",
                                      "copy", "--src-tls-verify=false", ref, "oci:\(armOut.path):arm"],
                                     "pull arm64 only")
            let armTop = try OCILayoutReader(root: armOut).descriptor(tag: "arm")
            #expect(armTop.digest == arm.manifest.digest, "platform selection fetched the wrong manifest")
            let armBlobs = try OCILayoutReader(root: armOut).reachableBlobs(from: armTop)
            #expect(Set(armBlobs.keys) == Set([arm.manifest.digest, arm.config.digest] + arm.layers.map(\.digest)))
        }
    }

    @Test("list-tags, delete a manifest, then pulls of it fail while other tags survive")
    func listTagsAndDelete() async throws {
        try await withServerAndSkopeo("tags") { tmp, server, skopeo in
            let (layoutA, imageA) = try await Fixtures.singleArch(in: tmp, name: "layout-a", tag: "a", label: "a")
            let (layoutB, imageB) = try await Fixtures.singleArch(in: tmp, name: "layout-b", tag: "b", label: "b")
            let repo = "\(server.host)/team/app"
            for tag in ["v1", "latest"] {
                try await skopeo.succeed(["copy", "--preserve-digests", "--dest-tls-verify=false",
                                          "oci:\(layoutA.path):a", "docker://\(repo):\(tag)"], "push A as \(tag)")
            }
            try await skopeo.succeed(["copy", "--preserve-digests", "--dest-tls-verify=false",
                                      "oci:\(layoutB.path):b", "docker://\(repo):v2"], "push B as v2")

            let listed = try await skopeo.succeed(["list-tags", "--tls-verify=false", "docker://\(repo)"], "list-tags")
            let tags = try JSONDecoder().decode(SkopeoTags.self, from: listed.stdout)
            #expect(Set(tags.Tags) == ["v1", "latest", "v2"], "list-tags returned \(tags.Tags)")
            #expect(tags.Tags == tags.Tags.sorted(), "tags should come back in lexical order: \(tags.Tags)")

            // An empty/unknown repository: list-tags must fail (404 NAME_UNKNOWN), not return garbage.
            let unknown = try await skopeo.run(["list-tags", "--tls-verify=false", "docker://\(server.host)/nobody/here"])
            #expect(!unknown.succeeded, "list-tags of an unknown repository succeeded:\n\(unknown.summary)")

            try await skopeo.succeed(["delete", "--tls-verify=false", "docker://\(repo):v2"], "delete v2")

            let inspectTag = try await skopeo.run(["inspect", "--raw", "--tls-verify=false", "docker://\(repo):v2"])
            #expect(!inspectTag.succeeded, "deleted manifest still served by tag:\n\(inspectTag.summary)")
            let inspectDigest = try await skopeo.run(["inspect", "--raw", "--tls-verify=false",
                                                      "docker://\(repo)@\(imageB.manifest.digest)"])
            #expect(!inspectDigest.succeeded, "deleted manifest still served by digest:\n\(inspectDigest.summary)")
            let pull = try await skopeo.run(["copy", "--src-tls-verify=false", "docker://\(repo):v2",
                                             "oci:\(tmp.url.appendingPathComponent("pulled-deleted").path):x"])
            #expect(!pull.succeeded, "pull of a deleted manifest succeeded:\n\(pull.summary)")

            // Tags pointing at the other manifest are untouched.
            for tag in ["v1", "latest"] {
                let raw = try await skopeo.succeed(["inspect", "--raw", "--tls-verify=false", "docker://\(repo):\(tag)"],
                                                   "inspect surviving \(tag)")
                #expect(raw.stdout == imageA.manifestBytes)
            }
            let after = try await skopeo.succeed(["list-tags", "--tls-verify=false", "docker://\(repo)"],
                                                 "list-tags after delete")
            let tagsAfter = try JSONDecoder().decode(SkopeoTags.self, from: after.stdout)
            #expect(Set(tagsAfter.Tags) == ["v1", "latest"],
                    "after deleting the manifest behind v2, list-tags returned \(tagsAfter.Tags)")

            // Deleting by digest via skopeo: the digest form of the reference.
            try await skopeo.succeed(["delete", "--tls-verify=false", "docker://\(repo)@\(imageA.manifest.digest)"],
                                     "delete A by digest")
            let gone = try await skopeo.run(["inspect", "--raw", "--tls-verify=false", "docker://\(repo):v1"])
            #expect(!gone.succeeded, "v1 still served after deleting its manifest by digest:\n\(gone.summary)")
        }
    }

    @Test("Docker schema 2 manifests: converted on push and preserved byte-for-byte through dir:")
    func dockerSchema2() async throws {
        try await withServerAndSkopeo("v2s2") { tmp, server, skopeo in
            let (layout, image) = try await Fixtures.singleArch(in: tmp)

            // 1. skopeo converts OCI → Docker v2s2 while pushing.
            let converted = "docker://\(server.host)/team/docker:converted"
            try await skopeo.succeed(["copy", "--format", "v2s2", "--dest-tls-verify=false",
                                      "oci:\(layout.path):v1", converted], "push --format v2s2")
            let raw = try await skopeo.succeed(["inspect", "--raw", "--tls-verify=false", converted], "inspect v2s2")
            let manifest = try JSONDecoder().decode(ImageManifest.self, from: raw.stdout)
            #expect(manifest.mediaType == MediaType.dockerManifest, "stored manifest: \(raw.stdoutString)")
            #expect(manifest.config.mediaType == MediaType.dockerConfig)
            #expect(manifest.layers.map(\.digest) == image.layers.map(\.digest),
                    "layer blobs are reused unchanged by the conversion")
            #expect(manifest.layers.allSatisfy { $0.mediaType == MediaType.dockerLayerGzip })

            // 2. A v2s2 image in dir: form is pushed unchanged and comes back byte-identical.
            let dirA = tmp.url.appendingPathComponent("dir-a")
            try await skopeo.succeed(["copy", "--format", "v2s2", "oci:\(layout.path):v1", "dir:\(dirA.path)"],
                                     "local conversion to dir:")
            let ref = "docker://\(server.host)/team/docker:v1"
            try await skopeo.succeed(["copy", "--preserve-digests", "--dest-tls-verify=false", "dir:\(dirA.path)", ref],
                                     "push dir:")
            let manifestA = try Data(contentsOf: dirA.appendingPathComponent("manifest.json"))
            let rawA = try await skopeo.succeed(["inspect", "--raw", "--tls-verify=false", ref], "inspect pushed dir:")
            #expect(rawA.stdout == manifestA)

            let dirB = tmp.url.appendingPathComponent("dir-b")
            try await skopeo.succeed(["copy", "--src-tls-verify=false", ref, "dir:\(dirB.path)"], "pull to dir:")
            #expect(try Data(contentsOf: dirB.appendingPathComponent("manifest.json")) == manifestA)
            let parsed = try JSONDecoder().decode(ImageManifest.self, from: manifestA)
            for descriptor in [parsed.config] + parsed.layers {
                let pulled = try Data(contentsOf: dirB.appendingPathComponent(descriptor.hex))
                #expect(sha256Digest(pulled) == descriptor.digest, "pulled blob \(descriptor.digest) is corrupt")
            }

            // The registry reports the Docker media type as Content-Type.
            try await RegistryClient.with(baseURL: server.baseURL, authorization: TestEnvironment.adminAuthorization) { client in
                let get = try await client.getManifest("team/docker", reference: "v1")
                #expect(get.status == 200, "\(get)")
                #expect(get.header("Content-Type") == MediaType.dockerManifest, "\(get)")
                #expect(get.header("Docker-Content-Digest") == sha256Digest(manifestA), "\(get)")
            }
        }
    }

    @Test("copy between repositories of one registry (cross-repository mount) and explicit mount requests")
    func crossRepositoryCopy() async throws {
        try await withServerAndSkopeo("mount") { tmp, server, skopeo in
            let (layout, image) = try await Fixtures.singleArch(in: tmp)
            let source = "docker://\(server.host)/team/app:v1"
            try await skopeo.succeed(["copy", "--preserve-digests", "--dest-tls-verify=false",
                                      "oci:\(layout.path):v1", source], "push")
            // skopeo knows where the blobs live (blob-info cache) and tries POST …?mount=…&from=team/app.
            let mirror = "docker://\(server.host)/other/mirror:v1"
            let internalCopy = try await skopeo.succeed(["--debug", "copy", "--preserve-digests",
                                                         "--src-tls-verify=false", "--dest-tls-verify=false",
                                                         source, mirror], "registry-internal copy")
            // skopeo 1.9 logs "... mount OK" for each blob it mounted instead of uploading.
            let mounted = internalCopy.stderrString.components(separatedBy: "mount OK").count - 1
            #expect(mounted >= image.layers.count, """
                skopeo mounted \(mounted) blobs, expected at least the \(image.layers.count) layers; its mount attempts:
                \(internalCopy.stderrString.split(separator: "\n").filter { $0.contains("mount") }.joined(separator: "\n"))
                """)
            let out = tmp.url.appendingPathComponent("pulled")
            try await skopeo.succeed(["copy", "--src-tls-verify=false", mirror, "oci:\(out.path):v1"], "pull mirror")
            try expectSameImage(source: layout, sourceTag: "v1", copy: out, copyTag: "v1")

            try await RegistryClient.with(baseURL: server.baseURL, authorization: TestEnvironment.adminAuthorization) { client in
                let layer = image.layers[0].digest
                // Mount of a blob the source repository holds: 201 Created, blob then readable in the target.
                let mount = try await client.request(.POST, "/v2/third/repo/blobs/uploads/?mount=\(layer)&from=team/app")
                #expect(mount.status == 201, "mount from team/app:\n\(mount)")
                #expect(mount.header("Location") != nil, "mount response lacks Location:\n\(mount)")
                let get = try await client.getBlob("third/repo", digest: layer)
                #expect(get.status == 200 && sha256Digest(get.body) == layer, "GET after mount:\n\(get)")

                // Mount from a repository that lacks the blob: the spec says fall back to an upload session (202).
                let missing = "sha256:" + String(repeating: "0", count: 64)
                let fallback = try await client.request(.POST, "/v2/third/repo/blobs/uploads/?mount=\(missing)&from=team/app")
                #expect(fallback.status == 202, "mount of an absent blob:\n\(fallback)")
                #expect(fallback.header("Location") != nil, "fallback upload session lacks Location:\n\(fallback)")
            }
        }
    }

    @Test("skopeo sync replicates every tag (single- and multi-arch) from one berth to another")
    func syncBetweenServers() async throws {
        try await withTemporaryDirectory("sync") { tmp in
            try await withBerth(dataDirectory: tmp.url.appendingPathComponent("data-a"), logDirectory: tmp.url) { a in
                try await withBerth(dataDirectory: tmp.url.appendingPathComponent("data-b"),
                                    logDirectory: tmp.url) { b in
                    #expect(a.port != b.port)
                    let skopeoA = try Skopeo(workDirectory: tmp.url, server: a)
                    let skopeoB = try Skopeo(workDirectory: tmp.url, server: b)
                    let (single, image) = try await Fixtures.singleArch(in: tmp)
                    let (multi, index) = try await Fixtures.multiArch(in: tmp)
                    try await skopeoA.succeed(["copy", "--preserve-digests", "--dest-tls-verify=false",
                                               "oci:\(single.path):v1", "docker://\(a.host)/team/app:v1"], "push v1")
                    try await skopeoA.succeed(["copy", "--all", "--preserve-digests", "--dest-tls-verify=false",
                                               "oci:\(multi.path):multi", "docker://\(a.host)/team/app:multi"],
                                              "push multi")

                    try await skopeoA.succeed(["sync", "--all", "--preserve-digests", "--src", "docker", "--dest", "docker",
                                               "--src-tls-verify=false", "--dest-tls-verify=false",
                                               "\(a.host)/team/app", "\(b.host)/mirror"], "sync A → B")

                    let listed = try await skopeoB.succeed(["list-tags", "--tls-verify=false",
                                                            "docker://\(b.host)/mirror/app"], "list-tags on B")
                    let tags = try JSONDecoder().decode(SkopeoTags.self, from: listed.stdout)
                    #expect(Set(tags.Tags) == ["v1", "multi"])
                    let v1 = try await skopeoB.succeed(["inspect", "--raw", "--tls-verify=false",
                                                        "docker://\(b.host)/mirror/app:v1"], "inspect v1 on B")
                    #expect(v1.stdout == image.manifestBytes)
                    let idx = try await skopeoB.succeed(["inspect", "--raw", "--tls-verify=false",
                                                         "docker://\(b.host)/mirror/app:multi"], "inspect multi on B")
                    #expect(idx.stdout == index.indexBytes)
                    let out = tmp.url.appendingPathComponent("from-b")
                    try await skopeoB.succeed(["copy", "--all", "--src-tls-verify=false",
                                               "docker://\(b.host)/mirror/app:multi", "oci:\(out.path):multi"],
                                              "pull multi from B")
                    try expectSameImage(source: multi, sourceTag: "multi", copy: out, copyTag: "multi")
                }
            }
        }
    }

    @Test("list-tags over many tags follows pagination; raw ?n=&last= pages are consistent")
    func manyTags() async throws {
        try await withServerAndSkopeo("many-tags") { tmp, server, skopeo in
            let (layout, image) = try await Fixtures.singleArch(in: tmp, largeFileBytes: 1024)
            try await skopeo.succeed(["copy", "--preserve-digests", "--dest-tls-verify=false",
                                      "oci:\(layout.path):v1", "docker://\(server.host)/team/many:v1"], "push")
            let expected = (["v1"] + (0..<150).map { String(format: "t%03d", $0) }).sorted()
            try await RegistryClient.with(baseURL: server.baseURL, authorization: TestEnvironment.adminAuthorization) { client in
                for tag in expected where tag != "v1" {
                    try await client.pushManifest(Array(image.manifestBytes), mediaType: MediaType.ociManifest,
                                                  to: "team/many", reference: tag)
                }
                // Walk the pages by hand: ?n=40 and then the Link header (or ?last=) until the list ends.
                var collected: [String] = []
                var next: String? = "/v2/team/many/tags/list?n=40"
                var pages = 0
                while let url = next, pages < 20 {
                    pages += 1
                    let page = try await client.request(.GET, url)
                    try #require(page.status == 200, "\(page)")
                    let tags = try JSONDecoder().decode(TagList.self, from: Data(page.body)).tags ?? []
                    #expect(tags.count <= 40, "page ignores n=40:\n\(page)")
                    collected += tags
                    if let link = page.header("Link"),
                       let start = link.firstIndex(of: "<"), let end = link.firstIndex(of: ">") {
                        next = String(link[link.index(after: start)..<end])
                    } else if tags.count == 40 {
                        next = "/v2/team/many/tags/list?n=40&last=\(tags.last!)"
                    } else {
                        next = nil
                    }
                }
                #expect(collected == expected, "paged tag listing: \(pages) pages, \(collected.count) tags")
            }
            let listed = try await skopeo.succeed(["list-tags", "--tls-verify=false",
                                                   "docker://\(server.host)/team/many"], "list-tags")
            let tags = try JSONDecoder().decode(SkopeoTags.self, from: listed.stdout)
            #expect(tags.Tags.count == expected.count, "skopeo saw \(tags.Tags.count) of \(expected.count) tags")
            #expect(Set(tags.Tags) == Set(expected))
        }
    }

    @Test("three skopeo processes pushing the same image to the same tag at once all succeed")
    func concurrentPushes() async throws {
        try await withServerAndSkopeo("concurrent") { tmp, server, skopeo in
            let (layout, image) = try await Fixtures.singleArch(in: tmp, largeFileBytes: 2 << 20)
            let (multi, index) = try await Fixtures.multiArch(in: tmp)
            let ref = "docker://\(server.host)/team/race:latest"
            let results = try await withThrowingTaskGroup(of: CommandResult.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        try await skopeo.run(["copy", "--preserve-digests", "--dest-tls-verify=false",
                                              "oci:\(layout.path):v1", ref])
                    }
                    group.addTask {
                        try await skopeo.run(["copy", "--all", "--preserve-digests", "--dest-tls-verify=false",
                                              "oci:\(multi.path):multi", "docker://\(server.host)/team/race:multi"])
                    }
                }
                var all: [CommandResult] = []
                for try await result in group { all.append(result) }
                return all
            }
            for result in results where !result.succeeded {
                Issue.record("concurrent push failed:\n\(result.summary)\n\(server.logTail())")
            }
            let raw = try await skopeo.succeed(["inspect", "--raw", "--tls-verify=false", ref], "inspect")
            #expect(raw.stdout == image.manifestBytes)
            let rawIndex = try await skopeo.succeed(["inspect", "--raw", "--tls-verify=false",
                                                     "docker://\(server.host)/team/race:multi"], "inspect multi")
            #expect(rawIndex.stdout == index.indexBytes)
            let out = tmp.url.appendingPathComponent("pulled")
            try await skopeo.succeed(["copy", "--src-tls-verify=false", ref, "oci:\(out.path):v1"], "pull")
            try expectSameImage(source: layout, sourceTag: "v1", copy: out, copyTag: "v1")
        }
    }
}

/// `GET /v2/<name>/tags/list` body.
private struct TagList: Decodable {
    let name: String
    let tags: [String]?
}
