import Foundation
import OCI
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Three `berth serve` processes on one PostgreSQL database and one S3 bucket (real servers, Tests/servers/): any
/// replica serves any request, one runs each singleton job, and killing replicas loses nothing acknowledged.
@Suite("three replicas on PostgreSQL and S3", .timeLimit(.minutes(5)))
struct ThreeReplicaTests {
    @Test("uploads continue across replicas, one replica reconciles, a dead lease holder is replaced, and fsck stays clean")
    func replicasShareOneRegistry() async throws {
        try await withTemporaryDirectory("replicas") { tmp in
            let cluster = try await ScaleOutCluster.make(in: tmp.url)
            try cluster.declare(immutableTags: nil)
            var replicas: [BerthProcess] = []
            for name in ["a", "b", "c"] { replicas.append(try await cluster.start(name)) }
            defer { for replica in replicas { replica.kill(signal: SIGKILL) } }
            let (a, b, c) = (replicas[0], replicas[1], replicas[2])
            var acknowledged: [(repository: String, tag: String, manifest: [UInt8], blobs: [[UInt8]])] = []
            do {
                // 1. One chunked upload of a real layer whose chunks alternate between A and B (12 MiB in 3 MiB chunks: S3 parts fill
                // across replicas), finished on B; the config and the manifest go through A; C serves the pull.
                let layer = randomLayer(12 << 20)
                let config = Array(#"{"architecture":"amd64","os":"linux"}"#.utf8)
                let layerDigest = try await alternatingUpload(layer, to: "team/app", through: [a, b, a, b], finishingOn: b)
                let configDigest = try await RegistryClient.with(baseURL: a.baseURL, authorization: a.adminAuthorization) { try await $0.pushBlob("team/app", config) }
                let manifest = imageManifest(config: (configDigest, config.count), layers: [(layerDigest, layer.count)])
                try await RegistryClient.with(baseURL: a.baseURL, authorization: a.adminAuthorization) { client in
                    try await client.pushManifest(manifest, mediaType: MediaType.ociManifest, to: "team/app", reference: "v1")
                }
                acknowledged.append(("team/app", "v1", manifest, [config, layer]))
                try await RegistryClient.with(baseURL: c.baseURL, authorization: c.adminAuthorization) { client in
                    let pulled = try await client.getManifest("team/app", reference: "v1")
                    #expect(pulled.status == 200 && pulled.body == manifest, "C serves the manifest A stored")
                    let blob = try await client.request(.GET, "/v2/team/app/blobs/\(layerDigest)", maxResponseBytes: 32 << 20)
                    #expect(blob.status == 200 && Digest.compute(blob.body) == layerDigest, "C streams the layer uploaded through A and B from S3")
                    let range = try await client.request(.GET, "/v2/team/app/blobs/\(layerDigest)", headers: [("Range", "bytes=3145720-3145735")])
                    #expect(range.status == 206 && range.body == Array(layer[3_145_720...3_145_735]), "a range read across chunks")
                }

                // A token A issued is accepted by B: the replicas sign with one shared key.
                let token = try await RegistryClient.with(baseURL: a.baseURL, authorization: a.adminAuthorization) { client in
                    let answer = try await client.request(.GET, "/auth/token?service=berth&scope=repository:team/app:pull")
                    try #require(answer.status == 200, "token from A: \(answer.status)")
                    struct TokenAnswer: Decodable { let token: String }
                    return try answer.json(TokenAnswer.self).token
                }
                try await RegistryClient.with(baseURL: b.baseURL, authorization: "Bearer \(token)") { client in
                    let pulled = try await client.getManifest("team/app", reference: "v1")
                    #expect(pulled.status == 200 && pulled.body == manifest, "B accepts A's token: \(pulled.status)")
                }

                // Five failed logins through A lock the name on B and C too: replicas count each other's failures. One
                // attempt on each, after the 2 s a change takes to reach them, cannot lock it on its own (the limit is 5).
                let wrong = "Basic " + Data("mallory:wrong-password".utf8).base64EncodedString()
                try await RegistryClient.with(baseURL: a.baseURL, authorization: wrong) { client in
                    for _ in 0..<5 {
                        let status = try await client.request(.GET, "/v2/").status
                        #expect(status == 401)
                    }
                }
                try await Task.sleep(for: .seconds(2))
                for (name, replica) in [("B", b), ("C", c)] {
                    let status = try await RegistryClient.with(baseURL: replica.baseURL, authorization: wrong) { try await $0.request(.GET, "/v2/").status }
                    #expect(status == 429, "\(name) refuses the name A locked: \(status)")
                }

                // A console session opened on A is good on B, and signing out on C ends it on A: replicas share sessions.
                let cookie = try await ConsoleAccessTests.withBrowserlessClient(a) { client in
                    try await ConsoleAccessTests.signIn(client, "admin", TestEnvironment.adminPassword)
                }
                let onB = try await ConsoleAccessTests.withBrowserlessClient(b) { try await ConsoleAccessTests.get($0, "/ui/", cookie: cookie) }
                #expect(onB.status == 200, "B knows the session A opened: \(onB.status)")
                let signedOut = try await ConsoleAccessTests.withBrowserlessClient(c) { client in
                    try await client.request(.POST, "/ui/logout", headers: [("Cookie", cookie)])
                }
                #expect(signedOut.status == 303)
                let onA = try await ConsoleAccessTests.withBrowserlessClient(a) { try await ConsoleAccessTests.get($0, "/ui/", cookie: cookie) }
                #expect(onA.status == 303 && onA.header("Location")?.hasPrefix("/ui/login") == true, "signed out on C, so on A too: \(onA.status)")

                // The image is quarantined until A's replica scanned its layers; C scans nothing itself and releases it
                // only when told: an anonymous pull through C is refused, then served.
                let skopeoFolder = tmp.url.appendingPathComponent("skopeo")
                try FileManager.default.createDirectory(at: skopeoFolder, withIntermediateDirectories: true)
                let skopeo = try Skopeo(workDirectory: skopeoFolder)
                let released = try await eventually(within: .seconds(20)) {
                    // skopeo asks C's token endpoint for an anonymous token, as any client does.
                    let pull = try await skopeo.run(["inspect", "--raw", "--tls-verify=false", "docker://\(c.host)/team/app:v1"])
                    return pull.succeeded && Array(pull.stdout) == manifest ? true : nil
                }
                #expect(released, "C releases the image once the replica that took the push has scanned it")

                // 2. A declaration change is applied by exactly one replica, and every replica enforces it within 2 s:
                // `v*` tags become immutable, so moving v1 through C is refused.
                let appliesBefore = try await cluster.configurationApplies(through: c)
                try cluster.declare(immutableTags: ["v*"])
                let moved = try await eventually(within: .seconds(15)) {
                    try await cluster.configurationApplies(through: b) == appliesBefore + 1 ? true : nil
                }
                #expect(moved, "one configuration-apply record for the change")
                // The apply's record is written just before the applying replica tells the others; 2 s later every
                // replica must refuse to move v1 (one attempt each: an attempt that succeeded would move the tag).
                try await Task.sleep(for: .seconds(2))
                for replica in replicas {
                    try await RegistryClient.with(baseURL: replica.baseURL, authorization: replica.adminAuthorization) { client in
                        let other = imageManifest(config: (configDigest, config.count), layers: [(layerDigest, layer.count)],
                                                  annotations: ["moved-through": replica.host])
                        let put = try await client.request(.PUT, "/v2/team/app/manifests/v1", headers: [("Content-Type", MediaType.ociManifest)], body: other)
                        #expect(put.status == 403 && String(decoding: put.body, as: UTF8.self).contains("immutable"),
                                "\(replica.host) enforces the new immutability 2 s after the apply: \(put.status)")
                    }
                }
                try await Task.sleep(for: .seconds(3))
                #expect(try await cluster.configurationApplies(through: a) == appliesBefore + 1, "no other replica applied the change again")

                // 3. The reconcile lease holder is SIGKILLed; another replica takes the lease and applies the next change.
                let holder = try #require(replicas.first { $0.holdsLease("reconcile") }, "one replica took the reconcile lease")
                holder.kill(signal: SIGKILL)
                _ = await holder.waitForExit()
                let survivors = replicas.filter { $0 !== holder }
                let killedAt = ContinuousClock.now
                try cluster.declare(immutableTags: ["v*", "release-*"])
                let takenOver = try await eventually(within: .seconds(20)) {
                    try await cluster.configurationApplies(through: survivors[0]) == appliesBefore + 2 ? true : nil
                }
                #expect(takenOver, "another replica applied the next change")
                #expect(survivors.filter { $0.holdsLease("reconcile") }.count == 1, "exactly one survivor took the reconcile lease")
                #expect(ContinuousClock.now - killedAt < .seconds(10) + .seconds(2), "taken over within 10 s (plus the 1 s reconcile interval)")

                // 4. A replica SIGKILLed in the middle of a push: the client pushes again through the last one.
                let victim = survivors[0], last = survivors[1]
                let big = randomLayer(6 << 20)
                try await RegistryClient.with(baseURL: victim.baseURL, authorization: victim.adminAuthorization) { client in
                    let start = try await client.request(.POST, "/v2/team/app/blobs/uploads/")
                    let location = try #require(start["Location"])
                    _ = try await client.request(.PATCH, location, headers: [("Content-Type", "application/octet-stream"), ("Content-Range", "0-\(3 << 20 - 1)")],
                                                 body: Array(big[..<(3 << 20)]))
                    victim.kill(signal: SIGKILL)
                }
                _ = await victim.waitForExit()
                try await RegistryClient.with(baseURL: last.baseURL, authorization: last.adminAuthorization) { client in
                    let image = try await client.pushImage("team/other", tag: "after-kill", layer: big)
                    acknowledged.append(("team/other", "after-kill", image.bytes, [big]))
                    // 5. Every acknowledged push is intact, read through the last replica.
                    for push in acknowledged {
                        let pulled = try await client.getManifest(push.repository, reference: push.tag)
                        #expect(pulled.status == 200 && pulled.body == push.manifest, "\(push.repository):\(push.tag) intact")
                        for blob in push.blobs {
                            let read = try await client.request(.GET, "/v2/\(push.repository)/blobs/\(Digest.compute(blob))", maxResponseBytes: 32 << 20)
                            #expect(read.status == 200 && read.body == blob, "\(push.repository) blob \(Digest.compute(blob)) intact")
                        }
                    }
                }
                await last.stop()
                // 6. fsck of the shared stores.
                let fsck = try await cluster.fsck()
                #expect(fsck.status == 0, "fsck of PostgreSQL and S3 is clean:\n\(String(decoding: fsck.stdout, as: UTF8.self))\(String(decoding: fsck.stderr, as: UTF8.self))")
            } catch {
                for replica in replicas { Issue.record("replica log:\n\(replica.logTail(lines: 30))") }
                throw error
            }
        }
    }

    /// POST on the first replica, one PATCH per replica of `through` (the chunks in order), the final PUT on `finishingOn`.
    private func alternatingUpload(_ bytes: [UInt8], to repository: String, through replicas: [BerthProcess], finishingOn last: BerthProcess) async throws -> Digest {
        let digest = Digest.compute(bytes)
        let chunk = (bytes.count + replicas.count - 1) / replicas.count
        var location = try await RegistryClient.with(baseURL: replicas[0].baseURL, authorization: replicas[0].adminAuthorization) { client in
            let start = try await client.request(.POST, "/v2/\(repository)/blobs/uploads/")
            try #require(start.status == 202)
            return try #require(start["Location"])
        }
        for (index, replica) in replicas.enumerated() {
            let range = (index * chunk)..<min(bytes.count, (index + 1) * chunk)
            location = try await RegistryClient.with(baseURL: replica.baseURL, authorization: replica.adminAuthorization) { client in
                let patch = try await client.request(.PATCH, location, headers: [("Content-Type", "application/octet-stream"),
                                                                                 ("Content-Range", "\(range.lowerBound)-\(range.upperBound - 1)")],
                                                     body: Array(bytes[range]))
                try #require(patch.status == 202, "PATCH \(range) through \(replica.host): \(patch.status) \(String(decoding: patch.body, as: UTF8.self))")
                #expect(patch["Range"] == "0-\(range.upperBound - 1)")
                return try #require(patch["Location"])
            }
        }
        try await RegistryClient.with(baseURL: last.baseURL, authorization: last.adminAuthorization) { client in
            let put = try await client.request(.PUT, appendQuery(location, "digest=\(digest)"))
            try #require(put.status == 201, "final PUT through \(last.host): \(put.status) \(String(decoding: put.body, as: UTF8.self))")
        }
        return digest
    }

    private func eventually(within limit: Duration, _ check: () async throws -> Bool?) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try await check() == true { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }
}
