import Foundation
import ImageSignatures
import OCI
import TestSupport
import Testing

/// Layers sign.py wrote once from fixed keys (`sign.py pinned Fixtures/pinned`), checked byte for byte as committed:
/// a change in how Berth reads a form shows here even if sign.py were changed to match.
@Suite struct PinnedFixtureTests {
    struct Index: Decodable {
        struct Case: Decodable {
            var file: String
            var form: String
            var mediaType: String
            var signature: String?
            var signer: String
        }
        var subject: String
        var now: String
        var keys: [String: String]
        var ca: String
        var cases: [Case]
    }

    static let folder = Fixtures.folder.appendingPathComponent("pinned")

    @Test func pinnedLayersVerify() async throws {
        let index = try JSONDecoder().decode(Index.self, from: Data(contentsOf: Self.folder.appendingPathComponent("index.json")))
        let subject = try #require(Digest(index.subject))
        let now = try #require(ISO8601DateFormatter().date(from: index.now))
        let signers = try ["ed25519", "rsa"].map { try TrustedSigner(name: $0, publicKeys: [Base64Data.decode(index.keys[$0]!)], certificates: []) }
            + [TrustedSigner(name: "ca", publicKeys: [], certificates: [Base64Data.decode(index.ca)])]
        #expect(index.cases.count == 5)
        for pinned in index.cases {
            let content = Array(try Data(contentsOf: Self.folder.appendingPathComponent(pinned.file)))
            let layer = Fixtures.layer(content, mediaType: pinned.mediaType,
                                       annotations: pinned.signature.map { ["dev.cosignproject.cosign/signature": $0] })
            let form = try #require(SignatureForm(rawValue: pinned.form))
            let check = try #require(await Fixtures.check(layer, form: form, signers: signers, subject: subject, now: now), "\(pinned.file)")
            #expect(check.outcome == .valid, "\(pinned.file): \(check.reason)")
            #expect(check.signer == pinned.signer, "\(pinned.file)")
            let key = pinned.signer == "ca" ? "rsa" : pinned.signer
            #expect(check.keyFingerprint == keyFingerprint(spki: Base64Data.decode(index.keys[key]!)), "\(pinned.file)")
        }
    }

    /// The pinned keys' fingerprints, as `openssl pkey -pubin -outform DER | sha256sum` printed them when pinned.
    @Test func pinnedEd25519Fingerprint() throws {
        let index = try JSONDecoder().decode(Index.self, from: Data(contentsOf: Self.folder.appendingPathComponent("index.json")))
        #expect(keyFingerprint(spki: Base64Data.decode(index.keys["ed25519"]!)) == "sha256:88a83f40cb89015dcca143d57affb733f78699da0e06ae3341f85da8a4ad51fd")
    }
}
