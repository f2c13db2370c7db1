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

                // The administrator tags the same image again: the audit log must tell the two pushers apart.
                try await skopeo.succeed(["copy", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", "admin:\(TestEnvironment.adminPassword)",
                                          "oci:\(layout.path):v1", "docker://\(server.host)/team/app:v3"], "push as admin")
                try await Self.expectAuditTrail(server: server, in: tmp.url)

                let log = server.logTail(lines: 10_000)
                #expect(!log.contains("reader-password") && !log.contains("writer-password") && !log.contains("not-it"),
                        "a password reached the server log")
            }
        }
    }

    /// From the audit log alone (`berth audit export`), who pushed each tag now in the registry; and the pulls, refusals
    /// and failed logins of the scenario above are there, with no password anywhere.
    static func expectAuditTrail(server: BerthProcess, in directory: URL) async throws {
        let secret = try writeSecret(TestEnvironment.adminPassword, in: directory, name: "audit-admin-secret")
        let export = try await berth(["audit", "export", "--registry", server.baseURL.absoluteString, "--token-file", secret.path])
        try requireExit(export, 0, "audit export over the admin API")
        let records = export.stdoutString.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(records.count > 10 && records.enumerated().allSatisfy { ($0.element["seq"] as? Int) == $0.offset + 1 },
                "every record, numbered from 1 without gap")
        var pusher: [String: String] = [:]
        for record in records {
            guard let repository = record["repository"] as? String, let actor = record["actor"] as? String else { continue }
            let details = record["details"] as? [String: String] ?? [:]
            let tags = details["tags"]?.split(separator: ",").map(String.init) ?? []
            switch record["action"] as? String {
            case "manifest-push": for tag in tags { pusher["\(repository):\(tag)"] = actor }
            case "manifest-delete": for tag in tags { pusher["\(repository):\(tag)"] = nil }
            case "tag-delete", "retention-delete": pusher["\(repository):\(record["object"] as? String ?? "")"] = nil
            default: break
            }
        }
        #expect(pusher == ["team/app:v1": "user:writer", "team/app:v3": "admin", "open/tool:v1": "user:writer"], "\(pusher)")
        try await RegistryClient.with(baseURL: server.baseURL, authorization: TestEnvironment.adminAuthorization) { client in
            for repository in ["team/app", "open/tool"] {
                let listed = try await client.request(.GET, "/v2/\(repository)/tags/list")
                let tags = (try JSONSerialization.jsonObject(with: Data(listed.body)) as? [String: Any])?["tags"] as? [String] ?? []
                #expect(Set(tags.map { "\(repository):\($0)" }) == Set(pusher.keys.filter { $0.hasPrefix(repository + ":") }),
                        "the replay names exactly the tags the registry holds")
            }
        }
        func has(_ action: String, _ actor: String, _ outcome: String? = nil) -> Bool {
            records.contains { record in
                record["action"] as? String == action && record["actor"] as? String == actor && (outcome == nil || record["outcome"] as? String == outcome)
            }
        }
        #expect(has("manifest-pull", "user:reader"), "the reader's pull is recorded")
        #expect(has("manifest-pull", "anonymous"), "the anonymous pull of a public repository is recorded")
        #expect(has("access-denied", "user:reader", "denied"), "the reader's refused push is recorded")
        #expect(has("authentication-failed", "reader", "failure"), "the failed login is recorded under the name tried")
        #expect(has("configuration-apply", "reconciler"), "the declarations' apply is recorded")
        #expect(has("server-start", "berth"))
        for password in ["reader-password", "writer-password", "not-it", TestEnvironment.adminPassword] {
            #expect(!export.stdoutString.contains(password), "a password reached the audit log")
        }

        // The filters narrow on the server, and a kept checkpoint and the served key verify the log offline.
        try await RegistryClient.with(baseURL: server.baseURL, authorization: TestEnvironment.adminAuthorization) { client in
            let narrowed = try await client.request(.GET, "/admin/v1/audit?repository=open/tool&action=manifest-push&limit=1")
            let lines = String(decoding: narrowed.body, as: UTF8.self).split(separator: "\n")
            #expect(narrowed.status == 200 && lines.count == 1 && lines[0].contains("\"repository\":\"open/tool\""))
            let checkpoint = try await client.request(.GET, "/admin/v1/audit/checkpoint")
            #expect(checkpoint.status == 200)
            try Data(checkpoint.body).write(to: directory.appendingPathComponent("kept-checkpoint.json"))
            let key = try await client.request(.GET, "/admin/v1/audit/key")
            #expect(String(decoding: key.body, as: UTF8.self).hasPrefix("-----BEGIN PUBLIC KEY-----"))
            try Data(key.body).write(to: directory.appendingPathComponent("audit-key.pub"))
        }
        let verified = try await berth(["audit", "verify", "--data", server.dataDirectory.path,
                                        "--checkpoint", directory.appendingPathComponent("kept-checkpoint.json").path,
                                        "--key", directory.appendingPathComponent("audit-key.pub").path])
        try requireExit(verified, 0, "audit verify with the kept checkpoint and the served key, next to the running server")
    }
}
