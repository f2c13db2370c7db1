import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A push whose scan outlasts `--scan-wait` is stored quarantined, and released by the scan; a scan cut short by SIGKILL
/// is done again after the restart, and the image is never served to a consumer before it ends.
@Suite("scans that outlast the push", .timeLimit(.minutes(5)))
struct PendingScanTests {
    static let declarations = """
        apiVersion: berth.dev/v1alpha1
        kind: Tier
        metadata: {name: held}
        spec:
          anonymousPull: true
          scanning: {secrets: {onPush: block}}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: Repository
        metadata: {name: "held/*"}
        spec: {tier: held}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: Tier
        metadata: {name: staging}
        spec: {scanning: {secrets: {onPush: off}, vulnerabilities: {onPush: off}}}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: Repository
        metadata: {name: "staging/*"}
        spec: {tier: staging}

        """

    /// Pushes the `large-clean` image (64 MiB of text, seconds to scan) as held/app:v1, so that its scan starts only
    /// at the manifest: the layer is uploaded to a repository that scans nothing and mounted into held/app (a mount
    /// commits no upload, so nothing is scanned early), and with `--scan-wait 0s` the PUT returns at once.
    /// `afterPut` runs as soon as the PUT is answered, before anything else is asked of the server.
    static func pushLargeImage(_ server: BerthProcess, _ tmp: TemporaryDirectory, afterPut: () -> Void = {}) async throws {
        try await waitUntilDeclarationsApplied(server)
        let blob = tmp.url.appendingPathComponent("large-clean.layer")
        let layer = try buildLayerFixture("large-clean", at: blob)
        let bytes = Array(try Data(contentsOf: blob))
        try await RegistryClient.with(baseURL: server.baseURL, authorization: TestEnvironment.adminAuthorization) { client in
            let digest = try await client.pushBlob("staging/app", bytes)
            #expect(digest.description == layer.digest)
            let mounted = try await client.request(.POST, "/v2/held/app/blobs/uploads/?mount=\(digest)&from=staging/app")
            #expect(mounted.status == 201, "\(mounted.text)")
            let config = Array(#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#.utf8)
            let configDigest = try await client.pushBlob("held/app", config)
            let manifest = Array(try JSONSerialization.data(withJSONObject: [
                "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": ["mediaType": "application/vnd.oci.image.config.v1+json", "digest": configDigest.description, "size": config.count],
                "layers": [["mediaType": layer.mediaType, "digest": layer.digest, "size": layer.size]],
            ] as [String: Any]))
            let put = try await client.request(.PUT, "/v2/held/app/manifests/v1",
                                               headers: [("Content-Type", "application/vnd.oci.image.manifest.v1+json")], body: manifest)
            afterPut()
            #expect(put.status == 201, "\(put.text)")
        }
    }

    struct Verdict: Decodable {
        /// The secret scan's or the vulnerability check's status.
        struct Part: Decodable { var status: String }
        var status: String
        var scan: Part?
        var vulnerabilities: Part?
        var reasons: [String]
    }

    static func verdict(_ server: BerthProcess) async throws -> Verdict {
        try await RegistryClient.with(baseURL: server.baseURL, authorization: TestEnvironment.adminAuthorization) { client in
            let response = try await client.request(.GET, "/admin/v1/verdicts?repository=held/app&reference=v1")
            return try JSONDecoder().decode(Verdict.self, from: Data(response.body))
        }
    }

    /// A GET of the image by an anonymous consumer (`authorization` nil) or as given: 200 or 403.
    static func consumerStatus(_ server: BerthProcess, authorization: String? = nil) async throws -> Int {
        try await RegistryClient.with(baseURL: server.baseURL, authorization: authorization) { client in
            try await client.request(.GET, "/v2/held/app/manifests/v1", headers: [("Accept", "application/vnd.oci.image.manifest.v1+json")]).status
        }
    }

    /// Polls until `part` of the verdict (the secret scan, or the vulnerability check) has ended, checking at every step
    /// that a consumer is refused while it has not, and that a producer is served.
    static func expectHeldUntilScanned(_ server: BerthProcess, part: KeyPath<Verdict, Verdict.Part?> = \.scan) async throws {
        try await waitUntil("the scan ends", timeout: .seconds(120), every: .milliseconds(200), server: server) { () async throws -> Poll<Void> in
            let before = try await verdict(server)
            let consumer = try await consumerStatus(server)
            if before[keyPath: part]?.status == "pending" {
                let after = try await verdict(server)
                // A consumer served while the verdict before and after its pull said pending: released unscanned.
                #expect(consumer == 403 || after[keyPath: part]?.status != "pending", "served before its scan ended: \(before.reasons)")
                #expect(try await consumerStatus(server, authorization: TestEnvironment.adminAuthorization) == 200, "a producer reads what is pending")
                return .notYet("scan \(before[keyPath: part]?.status ?? "none"), consumer \(consumer)")
            }
            return .done(())
        }
        let final = try await verdict(server)
        #expect(final.status == "released" && final[keyPath: part]?.status == "scanned", "\(final.reasons)")
        #expect(try await consumerStatus(server) == 200)
    }

    @Test("a push that outlasts --scan-wait is stored quarantined and released when its scan ends")
    func pushStoredQuarantinedUntilScanned() async throws {
        try await withTemporaryDirectory("scan-wait") { tmp in
            let declarations = tmp.url.appendingPathComponent("declarations")
            try FileManager.default.createDirectory(at: declarations, withIntermediateDirectories: true)
            try Data(Self.declarations.utf8).write(to: declarations.appendingPathComponent("tiers.yaml"))
            let data = tmp.url.appendingPathComponent("data")
            try await withServe(data: data, logs: tmp.url, ["--declarations", declarations.path, "--interval", "1h", "--scan-wait", "0s"]) { server in
                try await Self.pushLargeImage(server, tmp)
                try await Self.expectHeldUntilScanned(server)
            }
            // Polls can miss the pending window on a loaded machine; the audit log cannot.
            let changes = try await Self.verdictChanges(data).map { "\($0.verdict): \($0.cause)" }
            #expect(changes == ["quarantined: its push", "released: its layers' scans finished"], "\(changes)")
        }
    }

    /// held/app's verdict changes in the audit log of `data` (read offline), with the sequence number of the last
    /// server start before each.
    static func verdictChanges(_ data: URL) async throws -> [(verdict: String, cause: String, afterStart: Int)] {
        let export = try await runCommand(TestEnvironment.berthBinary, ["audit", "export", "--data", data.path])
        #expect(export.succeeded, "\(export.summary)")
        var lastStart = -1
        var changes: [(verdict: String, cause: String, afterStart: Int)] = []
        for line in export.stdoutString.split(separator: "\n") {
            guard let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let sequence = record["seq"] as? Int, let action = record["action"] as? String else { continue }
            if action == "server-start" { lastStart = sequence }
            if action == "verdict-change", record["repository"] as? String == "held/app",
               let details = record["details"] as? [String: String], details["part"] == "status" {
                changes.append((details["verdict"] ?? "", details["cause"] ?? "", lastStart))
            }
        }
        return changes
    }

    /// The server is killed as soon as the PUT is answered, while its scan runs. The audit log, read offline, shows
    /// the image quarantined and not yet released; after the restart it shows the release, by the restarted server, and
    /// a consumer is refused at every poll until then. Should a starved test process let the scan end before the kill
    /// (seen once under full CI load), there was nothing to cut short: the attempt is made again on a fresh server.
    @Test("a scan cut short by SIGKILL is done again after the restart, and nothing is served before it ends")
    func scanCutShortResumesAfterRestart() async throws {
        try await withTemporaryDirectory("scan-kill") { tmp in
            let declarations = tmp.url.appendingPathComponent("declarations")
            try FileManager.default.createDirectory(at: declarations, withIntermediateDirectories: true)
            try Data(Self.declarations.utf8).write(to: declarations.appendingPathComponent("tiers.yaml"))
            let arguments = ["--declarations", declarations.path, "--interval", "1h", "--scan-wait", "0s", "--scan-workers", "1"]

            for attempt in 1...3 {
                let data = tmp.url.appendingPathComponent("data-\(attempt)")
                let first = try await BerthProcess.start(dataDirectory: data, logDirectory: tmp.url, extraArguments: arguments)
                try await Self.pushLargeImage(first, tmp) { first.kill(signal: SIGKILL) }
                _ = await first.waitForExit()

                let beforeRestart = try await Self.verdictChanges(data)
                #expect(beforeRestart.first.map { $0.verdict == "quarantined" && $0.cause.contains("push") } == true,
                        "the push stored the image quarantined: \(beforeRestart)")
                if beforeRestart.contains(where: { $0.verdict == "released" }) {
                    print("attempt \(attempt): the scan ended before the kill landed; trying again")
                    continue
                }
                try await withServe(data: data, logs: tmp.url, arguments) { server in
                    try await Self.expectHeldUntilScanned(server)
                }
                let afterRestart = try await Self.verdictChanges(data)
                let firstStart = beforeRestart.first?.afterStart ?? -1
                #expect(afterRestart.contains { $0.verdict == "released" && $0.cause.contains("scans finished") && $0.afterStart > firstStart },
                        "the restarted server scanned the image again and released it: \(afterRestart)")
                return
            }
            Issue.record("in three attempts the scan always ended before the server was killed: nothing was cut short")
        }
    }
}
