import Foundation
import TestSupport
import Testing

/// skopeo with `--creds` against a server whose identities come from declarations. The registry offers only a
/// `Bearer` challenge, so every skopeo call below goes through the Docker token flow (`/auth/token`).
@Suite("skopeo with credentials", .timeLimit(.minutes(5)))
struct SkopeoCredentialsTests {
    /// Two users (bcrypt, cost 4): a writer and a pull-only reader of `team/**`.
    static let declarations = DeclarationFixtures.privateAndPublicTiers + """

        ---
        apiVersion: berth.dev/v1alpha1
        kind: Role
        metadata: {name: consumer}
        spec: {permissions: [pull]}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: Role
        metadata: {name: image-admin}
        spec: {permissions: [pull, push, delete]}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: RoleBinding
        metadata: {name: team-image-admins}
        spec: {role: image-admin, repositories: ["team/**", "open/**"], subjects: [{user: writer}]}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: RoleBinding
        metadata: {name: team-consumers}
        spec: {role: consumer, repositories: ["team/**"], subjects: [{user: reader}]}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: User
        metadata: {name: writer}
        spec: {passwordHash: "\(DeclarationFixtures.passwordHashes["writer"]!)"}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: User
        metadata: {name: reader}
        spec: {passwordHash: "\(DeclarationFixtures.passwordHashes["reader"]!)"}

        """

    @Test("push with an image admin's creds, pull with a consumer's, consumer refused on push, anonymous refused")
    func tokenFlow() async throws {
        try await withTemporaryDirectory("creds") { tmp in
            let declarations = tmp.url.appendingPathComponent("declarations")
            try FileManager.default.createDirectory(at: declarations, withIntermediateDirectories: true)
            try Data(Self.declarations.utf8).write(to: declarations.appendingPathComponent("access.yaml"))
            try await withServe(data: tmp.url.appendingPathComponent("data"), logs: tmp.url,
                                ["--declarations", declarations.path, "--interval", "1s"]) { server in
                let writer = "Basic " + Data("writer:writer-password".utf8).base64EncodedString()
                try await RegistryClient.with(baseURL: server.baseURL, authorization: TestEnvironment.adminAuthorization) { client in
                    try await waitUntil("the declared users can log in", server: server) {
                        let ping = try await client.request(.GET, "/v2/", headers: [("Authorization", writer)])
                        return ping.status == 200 ? .done(()) : .notYet("GET /v2/ as writer: \(ping.status)")
                    }
                }
                // A work directory with no stored logins: credentials come only from the command line.
                let work = tmp.url.appendingPathComponent("skopeo")
                try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
                let skopeo = try Skopeo(workDirectory: work)
                let (layout, image) = try await Fixtures.singleArch(in: tmp, largeFileBytes: 1 << 20)
                let ref = "docker://\(server.host)/team/app:v1"

                try await skopeo.succeed(["copy", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", "writer:writer-password",
                                          "oci:\(layout.path):v1", ref], "push as writer")
                let out = tmp.url.appendingPathComponent("pulled")
                try await skopeo.succeed(["copy", "--src-tls-verify=false", "--src-creds", "reader:reader-password", ref, "oci:\(out.path):v1"],
                                         "pull as reader")
                let pulled = try await skopeo.succeed(["inspect", "--raw", "--tls-verify=false", "oci:\(out.path):v1"], "inspect pulled")
                #expect(pulled.stdout == image.manifestBytes, "pulled manifest differs from the pushed one")

                let refused = try await skopeo.run(["copy", "--dest-tls-verify=false", "--dest-creds", "reader:reader-password",
                                                    "oci:\(layout.path):v1", "docker://\(server.host)/team/app:v2"])
                #expect(!refused.succeeded, "a consumer pushed: \(refused.summary)")
                #expect(refused.stderrString.contains("denied"), "\(refused.summary)")

                let anonymous = try await skopeo.run(["inspect", "--raw", "--tls-verify=false", ref])
                #expect(!anonymous.succeeded && anonymous.stderrString.lowercased().contains("unauthorized"), "\(anonymous.summary)")
                // Anonymous pulls work where the tier allows them: skopeo asks the token endpoint for an anonymous token.
                let open = "docker://\(server.host)/open/tool:v1"
                try await skopeo.succeed(["copy", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", "writer:writer-password",
                                          "oci:\(layout.path):v1", open], "push to a public repository")
                let anonymousPull = try await skopeo.succeed(["inspect", "--raw", "--tls-verify=false", open], "anonymous pull from a public tier")
                #expect(anonymousPull.stdout == image.manifestBytes)
                let anonymousPush = try await skopeo.run(["copy", "--dest-tls-verify=false", "oci:\(layout.path):v1", "docker://\(server.host)/open/tool:v2"])
                #expect(!anonymousPush.succeeded, "anonymous push to a public repository: \(anonymousPush.summary)")

                let wrong = try await skopeo.run(["inspect", "--raw", "--tls-verify=false", "--creds", "reader:not-it", ref])
                #expect(!wrong.succeeded, "\(wrong.summary)")

                let tags = try await skopeo.succeed(["list-tags", "--tls-verify=false", "--creds", "reader:reader-password",
                                                     "docker://\(server.host)/team/app"], "list-tags as reader")
                #expect(tags.stdoutString.contains("\"v1\"") && !tags.stdoutString.contains("\"v2\""))

                let log = server.logTail(lines: 10_000)
                #expect(!log.contains("reader-password") && !log.contains("writer-password") && !log.contains("not-it"),
                        "a password reached the server log")
            }
        }
    }
}
