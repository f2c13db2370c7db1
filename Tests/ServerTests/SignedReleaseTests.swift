import AdminAPI
import Declarations
import Foundation
import NIOHTTP1
import OCI
import Reconciler
import Server
import Storage
import TestSupport
import Testing

/// A tier that requires signatures, enforced end to end: images are quarantined until signatures by enough declared
/// Signers cover their digest, in each form real signers push. Every signature is made by Python's `cryptography`.
@Suite struct SignedReleaseTests {
    /// Pushes `count` images to `vault/app` as `v0`, `v1`, … and returns them.
    static func pushImages(_ client: RegistryClient, _ count: Int, repository: String = "vault/app") async throws -> [(bytes: [UInt8], digest: Digest)] {
        var images: [(bytes: [UInt8], digest: Digest)] = []
        for index in 0..<count { images.append(try await client.pushImage(repository, tag: "v\(index)")) }
        return images
    }

    static func status(_ client: RegistryClient, _ path: String, as headers: [(String, String)], method: HTTPMethod = .GET) async throws -> Int {
        try await client.request(method, path, headers: headers).status
    }

    @Test func quarantinedImagesAreReadableOnlyByProducersAndReleasedOnesByEveryPuller() async throws {
        try await withServer { client, server in
            let images = try await Self.pushImages(client, 2)
            let keys = try signWithPython(keys: SigningFixture.keyNames, requests: [SignRequest(form: "cosign", key: "p256", digest: images[1].digest.description)])
            try await SigningFixture.apply(SigningFixture.yaml(keys), to: server)
            try await client.pushSignature(SignatureManifest(.cosignTag, keys.results[0], subject: (images[1].digest, images[1].bytes.count)),
                                           for: images[1].digest, to: "vault/app")

            let callers = [("anonymous", SigningFixture.anonymous), ("reader", SigningFixture.headers(as: "reader")),
                           ("writer", SigningFixture.headers(as: "writer")), ("root", SigningFixture.headers(as: "root"))]
            let quarantinedStatus = ["anonymous": 403, "reader": 403, "writer": 200, "root": 200]
            for (name, headers) in callers {
                for reference in ["v0", images[0].digest.description] {
                    for method in [HTTPMethod.GET, .HEAD] {
                        let status = try await Self.status(client, "/v2/vault/app/manifests/\(reference)", as: headers, method: method)
                        #expect(status == quarantinedStatus[name], "\(name) \(method) quarantined \(reference)")
                    }
                }
                for reference in ["v1", images[1].digest.description] {
                    #expect(try await Self.status(client, "/v2/vault/app/manifests/\(reference)", as: headers) == 200, "\(name) released \(reference)")
                }
            }
            let refused = try await client.request(.GET, "/v2/vault/app/manifests/v0", headers: SigningFixture.headers(as: "reader"))
            #expect(refused.errorCode == "DENIED")
            #expect(refused.text.contains("vault/app@\(images[0].digest) is not released: needs signatures by 1 of [release, security]; found none"),
                    "\(refused.text)")
            // The signature itself, and the referrers API, stay readable by anyone who may pull.
            let sigTag = "sha256-\(images[1].digest.hex).sig"
            #expect(try await Self.status(client, "/v2/vault/app/manifests/\(sigTag)", as: SigningFixture.anonymous) == 200)
            #expect(try await Self.status(client, "/v2/vault/app/referrers/\(images[0].digest)", as: SigningFixture.headers(as: "reader")) == 200)

            let events = try await client.request(.GET, "/admin/v1/security-events?limit=100").text
            #expect(events.contains("quarantine-read") && events.contains("user:writer"), "a producer's read of a quarantined image is recorded")
            #expect(events.contains("quarantine-refused"), "\(events)")
            let metrics = try await client.request(.GET, "/metrics", headers: [("Authorization", "-")]).text
            // Anonymous and reader, GET and HEAD, by tag and digest, and the read above.
            #expect(metrics.contains("berth_quarantined_reads_refused_total 9"), "\(metrics)")
            #expect(metrics.contains(#"berth_quarantined_images{tier="signed"} 1.0"#), "\(metrics)")
        }
    }

    /// A form and a key type it is signed with: every key type each form supports.
    struct SigningCase: CustomTestStringConvertible, Sendable {
        var form: SignatureManifest.Form
        var key: String
        var padding: String? = nil
        var alg: String? = nil
        var testDescription: String { "\(form) \(key)\(padding.map { "-\($0)" } ?? "")\(alg.map { " \($0)" } ?? "")" }

        func request(_ digest: Digest, key: String? = nil, chain: String? = nil) -> SignRequest {
            SignRequest(form: form.signerForm, key: key ?? self.key, digest: digest.description, padding: padding, alg: alg, chain: chain)
        }

        static let all: [SigningCase] = [SignatureManifest.Form.cosignTag, .cosignReferrer, .bundle].flatMap { form in
            [SigningCase(form: form, key: "p256"), SigningCase(form: form, key: "p384"), SigningCase(form: form, key: "ed25519"),
             SigningCase(form: form, key: "rsa", padding: "pkcs1"), SigningCase(form: form, key: "rsa", padding: "pss")]
        } + [SigningCase(form: .notation, key: "rsa", alg: "PS256"), SigningCase(form: .notation, key: "p256", alg: "ES256"),
             SigningCase(form: .notation, key: "p384", alg: "ES384")]
    }

    @Test(arguments: SigningCase.all)
    func eachFormAndKeyReleasesWithADeclaredKeyAndNothingElseDoes(_ signing: SigningCase) async throws {
        let form = signing.form
        try await withServer { client, server in
            let images = try await Self.pushImages(client, 5)
            let requests = [
                signing.request(images[0].digest),
                // An undeclared key; for notation, a chain to a CA no Signer declares.
                signing.request(images[1].digest, key: form == .notation ? nil : "other-\(signing.key)", chain: form == .notation ? "untrusted" : nil),
                // A valid signature of image 3, pushed as image 2's.
                signing.request(images[3].digest),
                // A payload naming a digest no image has.
                signing.request(Digest.compute(Array("nothing".utf8))),
            ]
            let keys = try signWithPython(keys: SigningFixture.keyNames, requests: requests)
            try await SigningFixture.apply(SigningFixture.yaml(keys), to: server)
            for (index, target) in [(0, 0), (1, 1), (2, 2), (3, 4)] {
                let image = images[target]
                try await client.pushSignature(SignatureManifest(form, keys.results[index], subject: (image.digest, image.bytes.count)),
                                               for: image.digest, to: "vault/app")
            }
            let reader = SigningFixture.headers(as: "reader")
            #expect(try await Self.status(client, "/v2/vault/app/manifests/v0", as: reader) == 200, "\(form): a declared key releases")
            for (index, why) in [(1, "undeclared key"), (2, "replayed from another image"), (4, "for another digest")] {
                let read = try await client.request(.GET, "/v2/vault/app/manifests/\(images[index].digest)", headers: reader)
                #expect(read.status == 403, "\(form): \(why)")
                #expect(read.text.contains(why) || (why == "undeclared key" && read.text.contains("matching no declared key")), "\(form): \(read.text)")
            }
            let events = try await client.request(.GET, "/admin/v1/security-events?limit=100").text
            #expect(events.contains("signature-rejected") && events.contains(images[1].digest.description), "\(form): \(events)")
            // Re-tagging a released image keeps it released, by the new tag and by digest.
            try await client.pushManifest(images[0].bytes, mediaType: MediaType.ociManifest, to: "vault/app", reference: "promoted")
            #expect(try await Self.status(client, "/v2/vault/app/manifests/promoted", as: reader) == 200)

            let verdict = try await RemoteAdmin(baseURL: client.base, token: testAdminPassword)
                .verdict(repository: "vault/app", reference: "v0")
            #expect(verdict.released && verdict.status == "released" && verdict.tier == "signed")
            // RSA keys are the security team's; notation chains to the release Signer's CA.
            let signer = signing.key == "rsa" && form != .notation ? "security" : "release"
            #expect(verdict.signatures.count == 1 && verdict.signatures[0].signer == signer && verdict.signatures[0].valid, "\(verdict.signatures)")
            let rejected = try await RemoteAdmin(baseURL: client.base, token: testAdminPassword)
                .verdict(repository: "vault/app", reference: images[2].digest.description)
            #expect(!rejected.released && rejected.signatures.first?.outcome == "replayed", "\(rejected)")
        }
    }

    @Test func concurrentPushesOfImagesAndTheirSignaturesEndReleased() async throws {
        try await withServer { client, server in
            let images = try await Self.pushImages(client, 12)
            let keys = try signWithPython(keys: SigningFixture.keyNames,
                                          requests: images.map { SignRequest(form: "cosign", key: "p256", digest: $0.digest.description) })
            try await SigningFixture.apply(SigningFixture.yaml(keys), to: server)
            // Signatures and unrelated pushes race each other and the verdict updates they cause.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, image) in images.enumerated() {
                    let form: SignatureManifest.Form = index % 2 == 0 ? .cosignTag : .cosignReferrer
                    group.addTask {
                        try await client.pushSignature(SignatureManifest(form, keys.results[index], subject: (image.digest, image.bytes.count)),
                                                       for: image.digest, to: "vault/app")
                    }
                    group.addTask { _ = try await client.pushImage("vault/app", tag: "noise-\(index)") }
                }
                try await group.waitForAll()
            }
            let reader = SigningFixture.headers(as: "reader")
            for image in images {
                #expect(try await Self.status(client, "/v2/vault/app/manifests/\(image.digest)", as: reader) == 200, "\(image.digest)")
            }
            #expect(try await Self.status(client, "/v2/vault/app/manifests/noise-0", as: reader) == 403, "unsigned pushes stay quarantined")
            let metrics = try await client.request(.GET, "/metrics", headers: [("Authorization", "-")]).text
            #expect(metrics.contains(#"berth_quarantined_images{tier="signed"} 12.0"#), "the 12 unsigned noise images: \(metrics)")
        }
    }

    @Test func aMinimumOfTwoNeedsTwoDistinctSigners() async throws {
        try await withServer { client, server in
            let images = try await Self.pushImages(client, 2)
            let requests = [
                SignRequest(form: "cosign", key: "p256", digest: images[0].digest.description),
                SignRequest(form: "cosign", key: "ed25519", digest: images[0].digest.description),
                SignRequest(form: "cosign", key: "p256", digest: images[1].digest.description),
                SignRequest(form: "bundle", key: "rsa", digest: images[1].digest.description),
            ]
            let keys = try signWithPython(keys: SigningFixture.keyNames, requests: requests)
            try await SigningFixture.apply(SigningFixture.yaml(keys, minimum: 2), to: server)
            for (index, target, form) in [(0, 0, SignatureManifest.Form.cosignTag), (1, 0, .cosignReferrer), (2, 1, .cosignTag), (3, 1, .bundle)] {
                let image = images[target]
                try await client.pushSignature(SignatureManifest(form, keys.results[index], subject: (image.digest, image.bytes.count)),
                                               for: image.digest, to: "vault/app")
            }
            let reader = SigningFixture.headers(as: "reader")
            let twoKeysOneSigner = try await client.request(.GET, "/v2/vault/app/manifests/v0", headers: reader)
            #expect(twoKeysOneSigner.status == 403, "two keys of one Signer count once")
            #expect(twoKeysOneSigner.text.contains("needs signatures by 2 of [release, security]; found valid signatures by release (1 more Signer needed)"),
                    "\(twoKeysOneSigner.text)")
            #expect(try await Self.status(client, "/v2/vault/app/manifests/v1", as: reader) == 200, "release and security")
        }
    }

    @Test func removingAKeyInGitQuarantinesItsImagesAndThePlanSaysSoFirst() async throws {
        try await withServer { client, server in
            let images = try await Self.pushImages(client, 3)
            let requests = images.map { SignRequest(form: "cosign", key: "p256", digest: $0.digest.description) }
            let keys = try signWithPython(keys: SigningFixture.keyNames, requests: requests)
            try await SigningFixture.apply(SigningFixture.yaml(keys), to: server)
            for (index, image) in images.enumerated() {
                try await client.pushSignature(SignatureManifest(.cosignReferrer, keys.results[index], subject: (image.digest, image.bytes.count)),
                                               for: image.digest, to: "vault/app")
            }
            let reader = SigningFixture.headers(as: "reader")
            #expect(try await Self.status(client, "/v2/vault/app/manifests/v2", as: reader) == 200)

            let withoutKey = SigningFixture.yaml(keys, signerKeys: ["release": ["p384", "ed25519"], "security": ["rsa"]])
            let plan = try await SigningFixture.plan(withoutKey, against: server)
            #expect(plan.consequences == [ImageConsequence(
                repository: "vault/app", effect: .quarantine, count: 3,
                digests: images.map(\.digest.description).sorted(),
                reason: "Signer release: 1 key removed")], "\(plan.consequences)")
            #expect(PlanRenderer.text(plan).contains("vault/app: 3 images will be quarantined"), "\(PlanRenderer.text(plan))")
            #expect(try await Self.status(client, "/v2/vault/app/manifests/v2", as: reader) == 200, "a plan changes nothing")

            try await SigningFixture.apply(withoutKey, to: server)
            let after = try await client.request(.GET, "/v2/vault/app/manifests/v2", headers: reader)
            #expect(after.status == 403 && after.text.contains("matching no declared key"), "\(after.text)")
            let undo = try await SigningFixture.plan(SigningFixture.yaml(keys), against: server)
            #expect(undo.consequences.map(\.effect) == [.release] && undo.consequences.first?.count == 3)
        }
    }

    @Test func movingARepositoryIntoASigningTierShowsWhichImagesItQuarantinesInEveryFormat() async throws {
        try await withServer { client, server in
            let images = try await Self.pushImages(client, 7)
            let keys = try signWithPython(keys: SigningFixture.keyNames, requests: [SignRequest(form: "cosign", key: "rsa", digest: images[0].digest.description)])
            try await client.pushSignature(SignatureManifest(.cosignTag, keys.results[0], subject: (images[0].digest, images[0].bytes.count)),
                                           for: images[0].digest, to: "vault/app")
            let plan = try await SigningFixture.plan(SigningFixture.yaml(keys), against: server)
            // The tier also scans for secrets, and nothing in vault/app was ever scanned: the signed image too is held
            // until its scan ends, and the plan says so.
            let all = images.map(\.digest.description).sorted()
            let reason = "tier signed will require signatures by 1 of [release, security]; tier signed will scan pushes for secrets (onPush: block)"
                + " (7 not scanned yet: quarantined until their scan ends)"
            #expect(plan.consequences == [ImageConsequence(
                repository: "vault/app", effect: .quarantine, count: 7, digests: Array(all.prefix(5)), reason: reason)], "\(plan.consequences)")
            let text = PlanRenderer.text(plan)
            #expect(text.contains("vault/app: 7 images will be quarantined (\(reason))") && text.contains("… and 2 more"), "\(text)")
            let markdown = PlanRenderer.markdown(plan, desired: .empty)
            #expect(markdown.contains("#### Stored images affected") && markdown.contains("| `vault/app` | ⚠️ quarantined | 7 |"), "\(markdown)")
            let saved = try Plan.decode(plan.encoded())
            #expect(saved.consequences == plan.consequences, "a saved plan keeps its consequences")
            #expect(try await client.request(.GET, "/v2/vault/app/manifests/v1", headers: SigningFixture.anonymous).status == 401,
                    "before the apply nothing changed: no declaration lets anonymous callers pull")
        }
    }

    @Test func aSignedIndexReleasesItsChildrenByDigestAndASignedChildOnlyItself() async throws {
        try await withServer { client, server in
            let children = try await Self.pushImages(client, 4)
            func index(_ pair: ArraySlice<(bytes: [UInt8], digest: Digest)>) -> [UInt8] {
                let object: [String: Any] = [
                    "schemaVersion": 2, "mediaType": MediaType.ociIndex,
                    "manifests": pair.map { ["mediaType": MediaType.ociManifest, "digest": $0.digest.description, "size": $0.bytes.count] },
                ]
                return Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
            }
            let signedIndex = index(children[0..<2]), unsignedIndex = index(children[2..<4])
            try await client.pushManifest(signedIndex, mediaType: MediaType.ociIndex, to: "vault/app", reference: "multi")
            try await client.pushManifest(unsignedIndex, mediaType: MediaType.ociIndex, to: "vault/app", reference: "multi-unsigned")
            let signedDigest = Digest.compute(signedIndex)
            let keys = try signWithPython(keys: SigningFixture.keyNames, requests: [
                SignRequest(form: "cosign", key: "p256", digest: signedDigest.description),
                SignRequest(form: "cosign", key: "p256", digest: children[2].digest.description),
            ])
            try await SigningFixture.apply(SigningFixture.yaml(keys), to: server)
            try await client.pushSignature(SignatureManifest(.cosignTag, keys.results[0], subject: (signedDigest, signedIndex.count)),
                                           for: signedDigest, to: "vault/app")
            try await client.pushSignature(SignatureManifest(.cosignReferrer, keys.results[1], subject: (children[2].digest, children[2].bytes.count)),
                                           for: children[2].digest, to: "vault/app")
            let reader = SigningFixture.headers(as: "reader")
            #expect(try await Self.status(client, "/v2/vault/app/manifests/multi", as: reader) == 200)
            for child in children[0..<2] {
                #expect(try await Self.status(client, "/v2/vault/app/manifests/\(child.digest)", as: reader) == 200, "a child of the signed index, by digest")
            }
            #expect(try await Self.status(client, "/v2/vault/app/manifests/v0", as: reader) == 403, "by its own tag the child is not covered by the index")
            #expect(try await Self.status(client, "/v2/vault/app/manifests/multi-unsigned", as: reader) == 403)
            #expect(try await Self.status(client, "/v2/vault/app/manifests/\(children[2].digest)", as: reader) == 200, "the signed child")
            #expect(try await Self.status(client, "/v2/vault/app/manifests/\(children[3].digest)", as: reader) == 403, "its unsigned sibling")
        }
    }
}

/// A configuration applied by an earlier berth may hold a Signer key today's verifier refuses: the server still starts,
/// and the images that key was meant to release stay quarantined, saying why.
@Suite struct StoredUnusableSignerKeyTests {
    static let shortRSA = "-----BEGIN PUBLIC KEY-----\nMIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDHWdFQ5QlQvMUZBvE0ESIpaARq\nx/iW1HzjgaqLaI21kAiwjUWbWrEiey2KqoG07jZHo5B+AhMqzjSjGOjZRA/0E7mA\nUPPIRXNJm3ZaWF7gjMlLEDoUmePB2RUv3vkjTRNGCcO7rPN6+5uh+UjGHL/k+Xu+\nnQ6oReccMypVbVTqYwIDAQAB\n-----END PUBLIC KEY-----"

    @Test func theServerStartsAndTheKeyVerifiesNothing() async throws {
        let yaml = """
            apiVersion: berth.dev/v1alpha1
            kind: Signer
            metadata: {name: legacy}
            spec:
              publicKeys:
                - |
            \(Self.shortRSA.split(separator: "\n").map { "          " + $0 }.joined(separator: "\n"))
            ---
            apiVersion: berth.dev/v1alpha1
            kind: Tier
            metadata: {name: old}
            spec: {signing: {requiredSigners: [legacy]}}
            ---
            apiVersion: berth.dev/v1alpha1
            kind: Repository
            metadata: {name: "legacy/**"}
            spec: {tier: old}
            """
        // Loaded with the structural checks only, as an earlier berth did.
        let loaded = DeclarationLoader().load([DeclarationFile(path: "legacy.yaml", contents: Data(yaml.utf8))])
        try #require(!loaded.hasErrors, "\(loaded.errors)")
        try #require(DeclarationLoader(keyChecks: .server).load([DeclarationFile(path: "legacy.yaml", contents: Data(yaml.utf8))]).hasErrors,
                     "today's checks refuse the key")
        try await withServer(prepare: { directory in
            let stores = try EmbeddedStores(dataDirectory: directory)
            _ = try await stores.metadata.apply(loaded.state.canonicalObjects().map { .put(Reconciliation.configurationObject($0)) },
                                                expectedFingerprint: nil, source: ConfigurationSource(actor: "an earlier berth", summary: "legacy"))
        }) { client, server in
            let image = try await client.pushImage("legacy/app", tag: "v1")
            let verdict = try await RemoteAdmin(baseURL: client.base, token: testAdminPassword).verdict(repository: "legacy/app", reference: "v1")
            #expect(!verdict.released && verdict.reasons.joined().contains("the keys of legacy cannot be used"), "\(verdict)")
            #expect(verdict.digest == image.digest.description)
        }
    }
}
