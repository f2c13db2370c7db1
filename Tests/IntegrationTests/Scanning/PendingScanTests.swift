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

        """

    struct Verdict: Decodable {
        struct Scan: Decodable { var status: String }
        var status: String
        var scan: Scan?
        var reasons: [String]
    }

    static func verdict(_ server: BerthProcess) async throws -> Verdict {
        try await RegistryClient.with(baseURL: server.baseURL, authorization: TestEnvironment.adminAuthorization) { client in
            let response = try await client.request(.GET, "/admin/v1/verdicts?repository=held/app&reference=v1")
            return try JSONDecoder().decode(Verdict.self, from: Data(response.body))
        }
    }

    /// An anonymous consumer's GET of the image: 200 or 403.
    static func consumerStatus(_ server: BerthProcess) async throws -> Int {
        try await RegistryClient.with(baseURL: server.baseURL, authorization: nil) { client in
            try await client.request(.GET, "/v2/held/app/manifests/v1", headers: [("Accept", "application/vnd.oci.image.manifest.v1+json")]).status
        }
    }

    /// Polls until the scan has ended, checking at every step that a consumer is refused while it has not. Returns how
    /// many polls found it pending.
    @discardableResult
    static func expectHeldUntilScanned(_ server: BerthProcess) async throws -> Int {
        let pendingPolls = Counter()
        try await waitUntil("the scan ends", timeout: .seconds(120), every: .milliseconds(200), server: server) { () async throws -> Poll<Void> in
            let before = try await verdict(server)
            let consumer = try await consumerStatus(server)
            if before.scan?.status == "pending" {
                pendingPolls.add()
                let after = try await verdict(server)
                // A consumer served while the verdict before and after its pull said pending: released unscanned.
                #expect(consumer == 403 || after.scan?.status != "pending", "served before its scan ended: \(before.reasons)")
                return .notYet("scan \(before.scan?.status ?? "none"), consumer \(consumer)")
            }
            return .done(())
        }
        let final = try await verdict(server)
        #expect(final.status == "released" && final.scan?.status == "scanned", "\(final.reasons)")
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
            let layout = tmp.url.appendingPathComponent("large-clean")
            try buildImageFixture("large-clean", as: .oci, at: layout)
            try await withServe(data: tmp.url.appendingPathComponent("data"), logs: tmp.url,
                                ["--declarations", declarations.path, "--interval", "1h", "--scan-wait", "0s"]) { server in
                let work = tmp.url.appendingPathComponent("skopeo")
                try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
                try await Skopeo(workDirectory: work, server: server).succeed(
                    ["copy", "--preserve-digests", "--dest-tls-verify=false", "oci:\(layout.path):latest", "docker://\(server.host)/held/app:v1"])
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
            let layout = tmp.url.appendingPathComponent("large-clean")
            try buildImageFixture("large-clean", as: .oci, at: layout)
            let data = tmp.url.appendingPathComponent("data")
            let arguments = ["--declarations", declarations.path, "--interval", "1h", "--scan-wait", "0s", "--scan-workers", "1"]

            let first = try await BerthProcess.start(dataDirectory: data, logDirectory: tmp.url, extraArguments: arguments)
            let work = tmp.url.appendingPathComponent("skopeo")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            let skopeo = try Skopeo(workDirectory: work, server: first)
            try await skopeo.succeed(["copy", "--preserve-digests", "--dest-tls-verify=false", "oci:\(layout.path):latest",
                                      "docker://\(first.host)/held/app:v1"], "push with no wait for the scan")
            // 64 MiB of text takes seconds to scan: the push returns long before.
            let pushed = try await Self.verdict(first)
            #expect(pushed.scan?.status == "pending" && pushed.status == "quarantined", "stored quarantined while its scan runs: \(pushed.reasons)")
            #expect(try await Self.consumerStatus(first) == 403)
            first.kill(signal: SIGKILL)
            _ = await first.waitForExit()

            try await withServe(data: data, logs: tmp.url, arguments) { server in
                let pending = try await Self.expectHeldUntilScanned(server)
                #expect(pending > 0, "after the restart the image waited for a new scan")
            }
        }
    }
}
