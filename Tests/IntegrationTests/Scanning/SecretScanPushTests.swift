import Foundation
import TestSupport
import Testing

/// Secret scanning with a real client: skopeo pushes fixture images (built by Python, not by Berth) into tiers that
/// block, warn about, or do not scan for secrets, and each push meets its exact outcome, as skopeo prints it.
@Suite("skopeo pushes into secret-scanning tiers", .timeLimit(.minutes(5)))
struct SecretScanPushTests {
    static let declarations = """
        apiVersion: berth.dev/v1alpha1
        kind: Tier
        metadata: {name: strict}
        spec:
          scanning: {secrets: {onPush: block}}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: Tier
        metadata: {name: lenient}
        spec:
          scanning: {secrets: {onPush: warn}}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: Tier
        metadata: {name: unscanned}
        spec:
          scanning: {secrets: {onPush: off}, vulnerabilities: {onPush: off}}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: Repository
        metadata: {name: "strict/*"}
        spec: {tier: strict}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: Repository
        metadata: {name: "lenient/*"}
        spec: {tier: lenient}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: Repository
        metadata: {name: "unscanned/*"}
        spec: {tier: unscanned}

        """

    /// Runs `body` with a server on these declarations and a skopeo that pushes as the administrator.
    func withScanningServer(_ tmp: TemporaryDirectory, extraArguments: [String] = [],
                            _ body: (BerthProcess, Skopeo) async throws -> Void) async throws {
        let declarations = tmp.url.appendingPathComponent("declarations")
        try FileManager.default.createDirectory(at: declarations, withIntermediateDirectories: true)
        try Data(Self.declarations.utf8).write(to: declarations.appendingPathComponent("tiers.yaml"))
        try await withServe(data: tmp.url.appendingPathComponent("data"), logs: tmp.url,
                            ["--declarations", declarations.path, "--interval", "1h"] + extraArguments) { server in
            try await waitUntilDeclarationsApplied(server)
            let work = tmp.url.appendingPathComponent("skopeo")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            try await body(server, try Skopeo(workDirectory: work, server: server))
        }
    }

    func push(_ fixture: String, to repository: String, _ server: BerthProcess, _ skopeo: Skopeo, _ tmp: TemporaryDirectory) async throws -> CommandResult {
        let layout = tmp.url.appendingPathComponent("layouts/\(fixture)")
        if !FileManager.default.fileExists(atPath: layout.path) { try buildImageFixture(fixture, as: .oci, at: layout) }
        return try await skopeo.run(["copy", "--preserve-digests", "--dest-tls-verify=false", "oci:\(layout.path):latest",
                                     "docker://\(server.host)/\(repository):v1"])
    }

    func tagExists(_ repository: String, _ server: BerthProcess) async throws -> Bool {
        try await RegistryClient.with(baseURL: server.baseURL, authorization: TestEnvironment.adminAuthorization) { client in
            try await client.request(.HEAD, "/v2/\(repository)/manifests/v1").status == 200
        }
    }

    @Test("a blocking tier refuses every secret with rule, path, line and layer, and stores nothing; clean and look-alike images land")
    func blockingTierRefusesSecrets() async throws {
        try await withTemporaryDirectory("secrets-block") { tmp in
            try await withScanningServer(tmp) { server, skopeo in
                let refused = try await push("secrets", to: "strict/app", server, skopeo, tmp)
                #expect(!refused.succeeded, "\(refused.summary)")
                let said = refused.stderrString
                #expect(said.contains("DENIED") || said.contains("denied"), "\(said)")
                for expected in ["secrets found (tier strict blocks them)", "aws-access-key-id at app/.env:", "aws-secret-access-key at app/.env:",
                                 "private-key at root/.ssh/id_rsa:1", "github-token at etc/app/config.yaml:"] {
                    #expect(said.contains(expected), "skopeo's output lacks \(expected): \(said)")
                }
                #expect(try await !tagExists("strict/app", server), "nothing is tagged after a refused push")

                for fixture in ["clean", "look-alikes"] {
                    let accepted = try await push(fixture, to: "strict/\(fixture)", server, skopeo, tmp)
                    #expect(accepted.succeeded, "\(fixture): \(accepted.summary)\n\(server.logTail())")
                }
                let zstd = try await push("zstd", to: "strict/zstd", server, skopeo, tmp)
                #expect(!zstd.succeeded && zstd.stderrString.contains("secrets found"), "a secret in a zstd layer: \(zstd.summary)")
                let deleted = try await push("deleted-secret", to: "strict/deleted", server, skopeo, tmp)
                #expect(!deleted.succeeded && deleted.stderrString.contains("(layer 1,"),
                        "a secret a later layer deletes is still carried by its layer: \(deleted.summary)")
                let many = try await push("many-files", to: "strict/many", server, skopeo, tmp)
                #expect(!many.succeeded && many.stderrString.contains("secrets found"), "one secret among 10,000 files: \(many.summary)")
            }
        }
    }

    @Test("a layer that cannot be scanned is refused where the tier blocks, with its reason", arguments: [
        ("gzip-bomb", "compressed size"), ("truncated-gzip", "truncated"), ("unknown-media-type", "unknown layer media type"),
        ("symlink-loop", "symlink loop"),
    ])
    func unscannableIsRefused(fixture: String, reason: String) async throws {
        try await withTemporaryDirectory("secrets-unscannable") { tmp in
            try await withScanningServer(tmp) { server, skopeo in
                let refused = try await push(fixture, to: "strict/\(fixture)", server, skopeo, tmp)
                #expect(!refused.succeeded, "\(fixture) landed: \(refused.summary)")
                #expect(refused.stderrString.contains("could not be scanned"), "\(refused.stderrString)")
                #expect(refused.stderrString.contains(reason), "\(fixture): expected \(reason) in \(refused.stderrString)")
                let accepted = try await push(fixture, to: "unscanned/\(fixture)", server, skopeo, tmp)
                #expect(accepted.succeeded, "a tier that does not scan takes it: \(accepted.summary)")
            }
        }
    }

    @Test("the limits are berth serve's flags: past --scan-max-entries a layer is unscannable")
    func limitsAreConfigurable() async throws {
        try await withTemporaryDirectory("secrets-limits") { tmp in
            try await withScanningServer(tmp, extraArguments: ["--scan-max-entries", "5000"]) { server, skopeo in
                let refused = try await push("many-files", to: "strict/many", server, skopeo, tmp)
                #expect(!refused.succeeded && refused.stderrString.contains("more than 5000 entries"), "\(refused.summary)")
            }
        }
    }

    @Test("a warning tier takes the push, records the findings in the verdict and a security event; an unscanned tier reads nothing")
    func warningAndUnscannedTiers() async throws {
        try await withTemporaryDirectory("secrets-warn") { tmp in
            try await withScanningServer(tmp) { server, skopeo in
                let warned = try await push("secrets", to: "lenient/app", server, skopeo, tmp)
                #expect(warned.succeeded, "\(warned.summary)")
                let unscanned = try await push("secrets", to: "unscanned/app", server, skopeo, tmp)
                #expect(unscanned.succeeded, "\(unscanned.summary)")

                try await RegistryClient.with(baseURL: server.baseURL, authorization: TestEnvironment.adminAuthorization) { client in
                    let verdict = try await client.request(.GET, "/admin/v1/verdicts?repository=lenient/app&reference=v1")
                    #expect(verdict.status == 200, "\(verdict.text)")
                    let body = try #require(try JSONSerialization.jsonObject(with: Data(verdict.body)) as? [String: Any])
                    #expect(body["status"] as? String == "released")
                    let scan = try #require(body["scan"] as? [String: Any], "\(verdict.text)")
                    #expect(scan["status"] as? String == "scanned")
                    let rules = Set((scan["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String })
                    #expect(rules == ["aws-access-key-id", "aws-secret-access-key", "private-key", "github-token"], "\(verdict.text)")

                    let quiet = try await client.request(.GET, "/admin/v1/verdicts?repository=unscanned/app&reference=v1")
                    let quietBody = try #require(try JSONSerialization.jsonObject(with: Data(quiet.body)) as? [String: Any])
                    #expect(quietBody["scan"] == nil || quietBody["scan"] is NSNull, "\(quiet.text)")

                    let events = try await client.request(.GET, "/admin/v1/security-events")
                    #expect(events.text.contains("secrets-found") && events.text.contains("accept (tier warns) push of lenient/app"), "\(events.text)")
                }
                let tokenFile = tmp.url.appendingPathComponent("admin.secret")
                try Data(TestEnvironment.adminPassword.utf8).write(to: tokenFile)
                let shown = try await runCommand(TestEnvironment.berthBinary, ["verdict", "lenient/app:v1", "--registry", server.baseURL.absoluteString,
                                                                               "--token-file", tokenFile.path])
                #expect(shown.status == 0, "released under a tier that warns: \(shown.summary)")
                for expected in ["scan:     scanned", "reason:   scanned for secrets: 4 secrets found (tier lenient only warns)",
                                 "secret private-key at root/.ssh/id_rsa:1 (layer 1, \"----…\")", "layer 2 sha256:"] {
                    #expect(shown.stdoutString.contains(expected), "berth verdict lacks \(expected): \(shown.stdoutString)")
                }
            }
        }
    }

    @Test("a base layer shared by two images is read once")
    func sharedBaseLayerIsScannedOnce() async throws {
        try await withTemporaryDirectory("secrets-shared") { tmp in
            try await withScanningServer(tmp) { server, skopeo in
                // The shared base carries a secret, so both images' verdicts show the one scan's finding.
                for fixture in ["shared-base-a", "shared-base-b"] {
                    let pushed = try await push(fixture, to: "lenient/\(fixture)", server, skopeo, tmp)
                    #expect(pushed.succeeded, "\(pushed.summary)")
                }
                let metrics = try await RegistryClient.with(baseURL: server.baseURL, authorization: TestEnvironment.adminAuthorization) { client in
                    try await client.request(.GET, "/metrics").text
                }
                let line = metrics.split(separator: "\n").first { $0.hasPrefix("berth_layer_scans_total") }
                #expect(line.map(String.init) == "berth_layer_scans_total 3", "one base and two top layers: \(line.map(String.init) ?? metrics)")
            }
        }
    }

    @Test("after a restart, a layer read before is not read again")
    func aRestartReadsNothingTwice() async throws {
        try await withTemporaryDirectory("secrets-restart") { tmp in
            let layerScans = { (server: BerthProcess) async throws -> String? in
                let metrics = try await RegistryClient.with(baseURL: server.baseURL, authorization: TestEnvironment.adminAuthorization) { client in
                    try await client.request(.GET, "/metrics").text
                }
                return metrics.split(separator: "\n").first { $0.hasPrefix("berth_layer_scans_total") }.map(String.init)
            }
            // b's own layer, uploaded on its own: scanned at its commit, named by no manifest yet.
            let top = tmp.url.appendingPathComponent("top.layer")
            try buildLayerFixture("shared-base-b", index: 1, at: top)
            let upload = { (server: BerthProcess, repository: String) async throws in
                try await RegistryClient.with(baseURL: server.baseURL, authorization: TestEnvironment.adminAuthorization) { client in
                    _ = try await client.pushBlob(repository, Array(try Data(contentsOf: top)))
                }
            }
            try await withScanningServer(tmp) { (server: BerthProcess, skopeo: Skopeo) async throws in
                #expect(try await push("shared-base-a", to: "lenient/a", server, skopeo, tmp).succeeded)
                try await upload(server, "lenient/c")
                try await waitUntil("the uploaded layer is scanned", server: server) { () async throws -> Poll<Void> in
                    let line = try await layerScans(server)
                    return line == "berth_layer_scans_total 3" ? .done(()) : .notYet(line ?? "no metric")
                }
            }
            // The same data folder. Uploaded again into another repository (a commit, which starts a scan), the layer
            // is not read again; pushing b reads nothing either: its base and its layer were both read before.
            try await withScanningServer(tmp) { (server: BerthProcess, skopeo: Skopeo) async throws in
                try await upload(server, "lenient/d")
                try await Task.sleep(for: .seconds(1))
                #expect(try await layerScans(server) == "berth_layer_scans_total 0", "the upload was read again")
                #expect(try await push("shared-base-b", to: "lenient/b", server, skopeo, tmp).succeeded)
                #expect(try await layerScans(server) == "berth_layer_scans_total 0", "a layer was read again")
            }
        }
    }

    @Test("no planted secret is in the data folder or the server's logs after scans that found them")
    func secretsAreNeverStoredOrLogged() async throws {
        try await withTemporaryDirectory("secrets-kept") { tmp in
            try await withScanningServer(tmp, extraArguments: ["--log-level", "debug"]) { server, skopeo in
                _ = try await push("secrets", to: "strict/app", server, skopeo, tmp)
                _ = try await push("secrets", to: "lenient/app", server, skopeo, tmp)
                try await RegistryClient.with(baseURL: server.baseURL, authorization: TestEnvironment.adminAuthorization) { client in
                    _ = try await client.request(.GET, "/admin/v1/verdicts?repository=lenient/app&reference=v1")
                    _ = try await client.request(.GET, "/admin/v1/security-events")
                }
            }
            let planted = Array(try plantedSecrets().values)
            #expect(!planted.isEmpty)
            // The layers themselves carry the secrets: blobs (and uploads) are what was pushed, not what Berth wrote.
            let data = tmp.url.appendingPathComponent("data")
            let pushed = ["blobs", "uploads"].map { data.appendingPathComponent($0).path + "/" }
            var places = [tmp.url.appendingPathComponent("data")]
            places += (try FileManager.default.contentsOfDirectory(at: tmp.url, includingPropertiesForKeys: nil)).filter { $0.lastPathComponent.hasPrefix("berth-") }
            for place in places {
                for file in try filesUnder(place) where !pushed.contains(where: file.path.hasPrefix) {
                    let contents = try Data(contentsOf: file)
                    for secret in planted {
                        #expect(contents.range(of: Data(secret.utf8)) == nil, "\(file.path) holds a planted secret")
                    }
                }
            }
        }
    }

    private func filesUnder(_ url: URL) throws -> [URL] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { return [url] }
        let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey])
        return (enumerator?.allObjects as? [URL] ?? []).filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
    }
}
