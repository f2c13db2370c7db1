import Crypto
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A declared `Webhook` receives the registry's audit records as signed CloudEvents: a real server, a real receiver
/// (Python's http.server), a push with skopeo, and the signature checked here with swift-crypto.
@Suite("webhook delivery", .timeLimit(.minutes(5)))
struct WebhookDeliveryTests {
    /// Answers 200 to every POST and appends `{"headers":…,"body":…}` to the file named in argv[1]; writes its port to argv[2].
    static let receiver = #"""
    import json, sys
    from http.server import BaseHTTPRequestHandler, HTTPServer
    out = sys.argv[1]
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with open(out, "a") as f:
                f.write(json.dumps({"headers": dict(self.headers), "body": body.decode()}) + "\n")
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
        def log_message(self, *args):
            pass
    server = HTTPServer(("127.0.0.1", 0), Handler)
    with open(sys.argv[2] + ".tmp", "w") as f:
        f.write(str(server.server_port))
    import os
    os.rename(sys.argv[2] + ".tmp", sys.argv[2])
    server.serve_forever()
    """#

    @Test("a push reaches the declared webhook as a CloudEvent whose HMAC verifies; the secret never leaves the server")
    func pushIsDelivered() async throws {
        try await withTemporaryDirectory("webhook") { tmp in
            let received = tmp.url.appendingPathComponent("received.jsonl")
            let python = try python3(with: "json")
            let portFile = tmp.url.appendingPathComponent("port")
            let receiver = try ChildProcess(python, ["-u", "-c", Self.receiver, received.path, portFile.path])
            defer {
                kill(receiver.processIdentifier, SIGKILL)
                receiver.waitUntilExit()
            }
            var port = ""
            for _ in 0..<200 where port.isEmpty {
                port = (try? String(contentsOf: portFile, encoding: .utf8)) ?? ""
                if port.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
            }
            try #require(!port.isEmpty, "the receiver did not start")
            let secret = "webhook-key-\(UUID().uuidString)"
            let secretFile = try writeSecret(secret, in: tmp.url, name: "hook-secret")
            let declarations = tmp.url.appendingPathComponent("declarations")
            try FileManager.default.createDirectory(at: declarations, withIntermediateDirectories: true)
            try Data((DeclarationFixtures.privateAndPublicTiers + """

                ---
                apiVersion: berth.dev/v1alpha1
                kind: Webhook
                metadata: {name: pushes}
                spec:
                  url: http://127.0.0.1:\(port)/hook
                  events: [manifest-push, tag-delete]
                  repositories: ["team/**"]
                  secretRef: {file: \(secretFile.path)}

                """).utf8).write(to: declarations.appendingPathComponent("all.yaml"))
            try await withServe(data: tmp.url.appendingPathComponent("data"), logs: tmp.url, ["--declarations", declarations.path, "--interval", "1s"]) { server in
                try await waitUntilDeclarationsApplied(server)
                let skopeo = try Skopeo(workDirectory: tmp.url, server: server)
                let (layout, image) = try await Fixtures.singleArch(in: tmp, largeFileBytes: 64 << 10)
                try await skopeo.succeed(["copy", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", "admin:\(TestEnvironment.adminPassword)",
                                          "oci:\(layout.path):v1", "docker://\(server.host)/team/app:v1"], "push")
                try await skopeo.succeed(["copy", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", "admin:\(TestEnvironment.adminPassword)",
                                          "oci:\(layout.path):v1", "docker://\(server.host)/other/app:v1"], "push outside the filter")
                let delivery = try await waitUntil("the push is delivered", server: server) { () async throws -> Poll<[String: Any]> in
                    let lines = (try? String(contentsOf: received, encoding: .utf8))?.split(separator: "\n") ?? []
                    guard let line = lines.first, let delivery = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                        return .notYet("nothing received yet")
                    }
                    return .done(delivery)
                }
                let headers = try #require(delivery["headers"] as? [String: String])
                let body = try #require(delivery["body"] as? String)
                let mac = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(secret.utf8)))
                #expect(headers["X-Berth-Signature"] == "sha256=" + mac.map { String(format: "%02x", $0) }.joined())
                let event = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
                #expect(event["specversion"] as? String == "1.0" && event["type"] as? String == "dev.berth.manifest-push")
                #expect(event["subject"] as? String == "team/app:v1")
                let data = try #require(event["data"] as? [String: Any])
                #expect(data["actor"] as? String == "admin" && (data["details"] as? [String: String])?["digest"] == "sha256:" + SHA256.hash(data: image.manifestBytes).map { String(format: "%02x", $0) }.joined())
                try await Task.sleep(for: .seconds(1))
                let all = try String(contentsOf: received, encoding: .utf8)
                #expect(!all.contains("other/app"), "a record outside the webhook's repositories was delivered")
                #expect(!all.contains(secret) && !server.logTail(lines: 10_000).contains(secret), "the key left the server")
                try await RegistryClient.with(baseURL: server.baseURL, authorization: TestEnvironment.adminAuthorization) { client in
                    let status = try await client.request(.GET, "/admin/v1/webhooks").text
                    #expect(status.contains("\"name\":\"pushes\"") && status.contains("\"failures\":0"), "\(status)")
                }
            }
        }
    }
}
