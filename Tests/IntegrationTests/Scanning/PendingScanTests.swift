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
    static func pushLargeImage(_ server: BerthProcess, _ tmp: TemporaryDirectory) async throws {
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
    /// that a consumer is refused while it has not, and that a producer is served. Returns how many polls found it
    /// pending.
    @discardableResult
    static func expectHeldUntilScanned(_ server: BerthProcess, part: KeyPath<Verdict, Verdict.Part?> = \.scan) async throws -> Int {
        let pendingPolls = Counter()
        try await waitUntil("the scan ends", timeout: .seconds(120), every: .milliseconds(200), server: server) { () async throws -> Poll<Void> in
            let before = try await verdict(server)
            let consumer = try await consumerStatus(server)
            if before[keyPath: part]?.status == "pending" {
                pendingPolls.add()
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
        return pendingPolls.value
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func add() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }

    @Test("a push that outlasts --scan-wait is stored quarantined and released when its scan ends")
    func pushStoredQuarantinedUntilScanned() async throws {
        try await withTemporaryDirectory("scan-wait") { tmp in
            let declarations = tmp.url.appendingPathComponent("declarations")
            try FileManager.default.createDirectory(at: declarations, withIntermediateDirectories: true)
            try Data(Self.declarations.utf8).write(to: declarations.appendingPathComponent("tiers.yaml"))
            try await withServe(data: tmp.url.appendingPathComponent("data"), logs: tmp.url,
                                ["--declarations", declarations.path, "--interval", "1h", "--scan-wait", "0s"]) { server in
                try await Self.pushLargeImage(server, tmp)
                let pending = try await Self.expectHeldUntilScanned(server)
                #expect(pending > 0, "the push returned before its scan ended")
            }
        }
    }

    @Test("a scan cut short by SIGKILL is done again after the restart, and nothing is served before it ends")
    func scanCutShortResumesAfterRestart() async throws {
        try await withTemporaryDirectory("scan-kill") { tmp in
            let declarations = tmp.url.appendingPathComponent("declarations")
            try FileManager.default.createDirectory(at: declarations, withIntermediateDirectories: true)
            try Data(Self.declarations.utf8).write(to: declarations.appendingPathComponent("tiers.yaml"))
            let data = tmp.url.appendingPathComponent("data")
            let arguments = ["--declarations", declarations.path, "--interval", "1h", "--scan-wait", "0s", "--scan-workers", "1"]

            let first = try await BerthProcess.start(dataDirectory: data, logDirectory: tmp.url, extraArguments: arguments)
            try await Self.pushLargeImage(first, tmp)
            let pushed = try await Self.verdict(first)
            #expect(pushed.scan?.status == "pending" && pushed.status == "quarantined", "stored quarantined while its scan runs: \(pushed.reasons)")
            first.kill(signal: SIGKILL)
            _ = await first.waitForExit()

            try await withServe(data: data, logs: tmp.url, arguments) { server in
                let pending = try await Self.expectHeldUntilScanned(server)
                #expect(pending > 0, "after the restart the image waited for a new scan")
            }
        }
    }
}
