import Crypto
import Foundation
import struct OCI.Digest
import TestSupport
import Testing

/// A signing tier with a real client: skopeo copies an image and its cosign `.sig` tag (signed by Python's
/// `cryptography`, laid out by hand as cosign writes it) into the tier, and a consumer pulls it once it is released;
/// an unsigned image stays quarantined and the consumer sees why.
@Suite("skopeo with a signing tier", .timeLimit(.minutes(5)))
struct SkopeoSignedReleaseTests {
    static func declarations(releaseKey: String) -> String {
        DeclarationFixtures.privateAndPublicTiers + """

            ---
            apiVersion: berth.dev/v1alpha1
            kind: Tier
            metadata: {name: signed}
            spec:
              signing: {requiredSigners: [release-pipeline], minimum: 1}
            ---
            apiVersion: berth.dev/v1alpha1
            kind: Repository
            metadata: {name: "vault/**"}
            spec: {tier: signed}
            ---
            apiVersion: berth.dev/v1alpha1
            kind: Signer
            metadata: {name: release-pipeline}
            spec:
              publicKeys:
                - |
            \(releaseKey.split(separator: "\n").map { "          " + $0 }.joined(separator: "\n"))
            ---
            apiVersion: berth.dev/v1alpha1
            kind: Role
            metadata: {name: consumer}
            spec: {permissions: [pull]}
            ---
            apiVersion: berth.dev/v1alpha1
            kind: Role
            metadata: {name: producer}
            spec: {permissions: [pull, push]}
            ---
            apiVersion: berth.dev/v1alpha1
            kind: RoleBinding
            metadata: {name: vault-producers}
            spec: {role: producer, repositories: ["vault/**"], subjects: [{user: writer}]}
            ---
            apiVersion: berth.dev/v1alpha1
            kind: RoleBinding
            metadata: {name: vault-consumers}
            spec: {role: consumer, repositories: ["vault/**"], subjects: [{user: reader}]}
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
    }

    @Test("a signed image and its .sig tag are copied in, and released to consumers; an unsigned one is refused with the reason")
    func signedImageIsReleasedUnsignedIsNot() async throws {
        try await withTemporaryDirectory("signed") { tmp in
            let (layout, image) = try await Fixtures.singleArch(in: tmp, name: "signed-layout", label: "signed")
            let (unsignedLayout, _) = try await Fixtures.singleArch(in: tmp, name: "unsigned-layout", label: "unsigned")
            let digest = image.manifest.digest
            let keys = try signWithPython(keys: ["p256"], requests: [SignRequest(form: "cosign", key: "p256", digest: digest)])
            // The signature goes into the image's layout under cosign's tag, as `cosign save` would leave it.
            let signature = SignatureManifest(.cosignTag, keys.results[0], subject: (try #require(Digest(digest)), image.manifestBytes.count))
            let writer = try OCILayoutWriter(root: tmp.url.appendingPathComponent("signature-layout"))
            for blob in signature.blobs { try writer.writeBlob(Data(blob)) }
            try writer.writeBlob(Data(signature.bytes))
            let sigTag = "sha256-\(digest.dropFirst("sha256:".count)).sig"
            try writer.tag(Descriptor(mediaType: MediaType.ociManifest, data: Data(signature.bytes)), as: sigTag)

            let declarations = tmp.url.appendingPathComponent("declarations")
            try FileManager.default.createDirectory(at: declarations, withIntermediateDirectories: true)
            try Data(Self.declarations(releaseKey: keys.pem("p256")).utf8).write(to: declarations.appendingPathComponent("signing.yaml"))
            try await withServe(data: tmp.url.appendingPathComponent("data"), logs: tmp.url,
                                ["--declarations", declarations.path, "--interval", "1s"]) { server in
                let writerCreds = "Basic " + Data("writer:writer-password".utf8).base64EncodedString()
                try await RegistryClient.with(baseURL: server.baseURL, authorization: TestEnvironment.adminAuthorization) { client in
                    try await waitUntil("the declared users can log in", server: server) {
                        let ping = try await client.request(.GET, "/v2/", headers: [("Authorization", writerCreds)])
                        return ping.status == 200 ? .done(()) : .notYet("GET /v2/ as writer: \(ping.status)")
                    }
                }
                let work = tmp.url.appendingPathComponent("skopeo")
                try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
                let skopeo = try Skopeo(workDirectory: work)
                let repository = "docker://\(server.host)/vault/app"
                let push = ["copy", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", "writer:writer-password"]
                let pull = ["--src-tls-verify=false", "--src-creds", "reader:reader-password"]

                try await skopeo.succeed(push + ["oci:\(layout.path):v1", "\(repository):v1"], "push the image as its producer")
                try await skopeo.succeed(push + ["oci:\(unsignedLayout.path):v1", "\(repository):unsigned"], "push an unsigned image")
                let early = try await skopeo.run(["copy"] + pull + ["\(repository):v1", "oci:\(tmp.url.path)/early:v1"])
                #expect(!early.succeeded && early.stderrString.contains("is not released"), "released before it was signed: \(early.summary)")
                // The producer can still read it: that is how a pipeline resolves the digest to sign.
                let producer = try await skopeo.succeed(["inspect", "--raw", "--tls-verify=false", "--creds", "writer:writer-password",
                                                         "\(repository):v1"], "producer reads its quarantined image")
                #expect(producer.stdout == image.manifestBytes)

                try await skopeo.succeed(push + ["oci:\(writer.root.path):\(sigTag)", "\(repository):\(sigTag)"], "push the .sig tag")
                let out = tmp.url.appendingPathComponent("pulled")
                try await skopeo.succeed(["copy"] + pull + ["\(repository):v1", "oci:\(out.path):v1"], "consumer pulls the released image")
                let pulled = try await skopeo.succeed(["inspect", "--raw", "--tls-verify=false", "oci:\(out.path):v1"], "inspect pulled")
                #expect(pulled.stdout == image.manifestBytes)
                let sigPulled = try await skopeo.succeed(["inspect", "--raw", "--tls-verify=false", "--creds", "reader:reader-password",
                                                          "\(repository):\(sigTag)"], "consumer reads the signature")
                #expect(sigPulled.stdout == Data(signature.bytes), "the .sig manifest arrived byte for byte")

                let refused = try await skopeo.run(["copy"] + pull + ["\(repository):unsigned", "oci:\(tmp.url.path)/refused:v1"])
                #expect(!refused.succeeded, "\(refused.summary)")
                #expect(refused.stderrString.contains("denied") && refused.stderrString.contains("is not released: needs signatures by 1 of [release-pipeline]"),
                        "\(refused.summary)")
            }

            // Verdicts are recomputed from what is stored when the server starts again.
            try await withServe(data: tmp.url.appendingPathComponent("data"), logs: tmp.url,
                                ["--declarations", declarations.path, "--interval", "1s"]) { server in
                let skopeo = try Skopeo(workDirectory: tmp.url.appendingPathComponent("skopeo"))
                let repository = "docker://\(server.host)/vault/app"
                let pull = ["--src-tls-verify=false", "--src-creds", "reader:reader-password"]
                try await skopeo.succeed(["copy"] + pull + ["\(repository):v1", "oci:\(tmp.url.path)/after-restart:v1"], "released after a restart")
                let refused = try await skopeo.run(["copy"] + pull + ["\(repository):unsigned", "oci:\(tmp.url.path)/refused-again:v1"])
                #expect(!refused.succeeded && refused.stderrString.contains("is not released"), "\(refused.summary)")

                let tokenFile = tmp.url.appendingPathComponent("admin.secret")
                try Data(TestEnvironment.adminPassword.utf8).write(to: tokenFile)
                let base = ["--registry", server.baseURL.absoluteString, "--token-file", tokenFile.path]
                let quarantined = try await runCommand(TestEnvironment.berthBinary, ["verdict", "vault/app:unsigned"] + base)
                #expect(quarantined.status == 3 && quarantined.stdoutString.contains("status:   quarantined"), "\(quarantined)")
                let released = try await runCommand(TestEnvironment.berthBinary, ["verdict", "vault/app@\(digest)", "--format", "json"] + base)
                #expect(released.status == 0, "\(released)")
                struct Verdict: Decodable {
                    struct Signature: Decodable { var form: String; var signer: String?; var keyFingerprint: String?; var valid: Bool }
                    var released: Bool
                    var tier: String?
                    var signatures: [Signature]
                }
                let verdict = try JSONDecoder().decode(Verdict.self, from: released.stdout)
                let fingerprint = "sha256:" + SHA256.hash(data: keys.key("p256")).map { String(format: "%02x", $0) }.joined()
                #expect(verdict.released && verdict.tier == "signed")
                #expect(verdict.signatures.count == 1 && verdict.signatures[0].form == "cosign" && verdict.signatures[0].valid
                    && verdict.signatures[0].signer == "release-pipeline" && verdict.signatures[0].keyFingerprint == fingerprint, "\(verdict.signatures)")
            }
        }
    }
}
