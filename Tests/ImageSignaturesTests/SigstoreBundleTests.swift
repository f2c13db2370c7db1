import Foundation
import ImageSignatures
import OCI
import TestSupport
import Testing

/// The requests the sigstore bundle tests make of sign.py.
enum BundleCase {
    static let slsaProvenance = "https://slsa.dev/provenance/v1"

    static func request(_ variant: KeyVariant, undeclared: Bool = false, digest: Digest = Fixtures.subject, predicateType: String? = nil,
                        statementType: String? = nil, hint: Bool? = nil) -> SignRequest {
        SignRequest(form: "bundle", key: undeclared ? "other-\(variant.key)" : variant.key, digest: digest.description,
                    padding: variant.padding, predicateType: predicateType, statementType: statementType, hint: hint)
    }

    static var allRequests: [SignRequest] {
        KeyVariant.all.flatMap { variant in
            [request(variant), request(variant, undeclared: true), request(variant, undeclared: true, hint: false),
             request(variant, digest: Fixtures.otherImage), request(variant, predicateType: slsaProvenance)]
        } + [request(KeyVariant(key: "p256"), statementType: "https://in-toto.io/Statement/v0.1")]
    }

    static let mediaType = "application/vnd.dev.sigstore.bundle.v0.3+json"

    static func layer(_ content: [UInt8]) -> SignatureLayer { Fixtures.layer(content, mediaType: mediaType) }

    /// The bundle with `change` applied to its decoded JSON.
    static func editing(_ content: [UInt8], _ change: (inout [String: Any]) -> Void) throws -> [UInt8] {
        var bundle = try #require(try JSONSerialization.jsonObject(with: Data(content)) as? [String: Any])
        change(&bundle)
        return Array(try JSONSerialization.data(withJSONObject: bundle))
    }

    /// The bundle with one bit flipped in the decoded envelope field `field` ("payload", or "sig" of the first signature).
    static func flipping(_ content: [UInt8], _ field: String, at index: Int) throws -> [UInt8] {
        try editing(content) { bundle in
            var envelope = bundle["dsseEnvelope"] as! [String: Any]
            var signatures = envelope["signatures"] as! [[String: Any]]
            let flip = { (text: Any?) in Data(Array(Data(base64Encoded: text as! String)!).flippingBit(at: index)).base64EncodedString() }
            if field == "payload" { envelope["payload"] = flip(envelope["payload"]) } else { signatures[0]["sig"] = flip(signatures[0]["sig"]) }
            envelope["signatures"] = signatures
            bundle["dsseEnvelope"] = envelope
        }
    }
}

@Suite struct SigstoreBundleTests {
    @Test(arguments: KeyVariant.all)
    func validBundleNamesSignerAndOpensslFingerprint(variant: KeyVariant) async throws {
        let set = try Fixtures.signed.get()
        let check = try #require(await Fixtures.check(BundleCase.layer(set[BundleCase.request(variant)].content), form: .sigstoreBundle, signers: try Fixtures.signers(set)))
        #expect(check.outcome == .valid, "\(check.reason)")
        #expect(check.signer == "release")
        #expect(check.keyFingerprint == set.opensslFingerprints[variant.key])
        #expect(check.signedDigest == Fixtures.subject)
    }

    @Test(arguments: KeyVariant.all)
    func undeclaredKeyIsNotValid(variant: KeyVariant) async throws {
        let set = try Fixtures.signed.get()
        let signers = try Fixtures.signers(set)
        let hinted = try #require(await Fixtures.check(BundleCase.layer(set[BundleCase.request(variant, undeclared: true)].content), form: .sigstoreBundle, signers: signers))
        #expect(hinted.outcome == .undeclaredKey)
        #expect(hinted.keyFingerprint == set.opensslFingerprints["other-\(variant.key)"])
        let unhinted = await Fixtures.check(BundleCase.layer(set[BundleCase.request(variant, undeclared: true, hint: false)].content), form: .sigstoreBundle, signers: signers)
        #expect(unhinted?.outcome == .unverified)
    }

    @Test(arguments: KeyVariant.all)
    func tamperedPayloadOrSignatureIsBadSignature(variant: KeyVariant) async throws {
        let set = try Fixtures.signed.get()
        let content = set[BundleCase.request(variant)].content
        let signers = try Fixtures.signers(set)
        // The key hint names a declared key, so a signature that does not verify is a bad one, not an unknown one.
        for tampered in [try BundleCase.flipping(content, "payload", at: -3), try BundleCase.flipping(content, "sig", at: -1)] {
            let check = try #require(await Fixtures.check(BundleCase.layer(tampered), form: .sigstoreBundle, signers: signers))
            #expect(check.outcome == .badSignature, "\(check.reason)")
            #expect(check.keyFingerprint == set.opensslFingerprints[variant.key])
        }
    }

    @Test(arguments: KeyVariant.all)
    func statementForAnotherDigestIsWrongDigestOrReplayed(variant: KeyVariant) async throws {
        let set = try Fixtures.signed.get()
        let layer = BundleCase.layer(set[BundleCase.request(variant, digest: Fixtures.otherImage)].content)
        let signers = try Fixtures.signers(set)
        let wrong = await Fixtures.check(layer, form: .sigstoreBundle, signers: signers)
        #expect(wrong?.outcome == .wrongDigest)
        #expect(wrong?.signedDigest == Fixtures.otherImage)
        let replayed = await Fixtures.check(layer, form: .sigstoreBundle, signers: signers, otherImages: [Fixtures.otherImage])
        #expect(replayed?.outcome == .replayed)
    }

    @Test(arguments: KeyVariant.all)
    func attestationIsNotASignature(variant: KeyVariant) async throws {
        let set = try Fixtures.signed.get()
        let check = try #require(await Fixtures.check(BundleCase.layer(set[BundleCase.request(variant, predicateType: BundleCase.slsaProvenance)].content),
                                                      form: .sigstoreBundle, signers: try Fixtures.signers(set)))
        #expect(check.outcome == .notASignature)
        #expect(check.reason.contains(BundleCase.slsaProvenance))
    }

    @Test func statementV01IsAccepted() async throws {
        let set = try Fixtures.signed.get()
        let request = BundleCase.request(KeyVariant(key: "p256"), statementType: "https://in-toto.io/Statement/v0.1")
        #expect(await Fixtures.check(BundleCase.layer(set[request].content), form: .sigstoreBundle, signers: try Fixtures.signers(set))?.outcome == .valid)
    }

    @Test func messageSignatureOrOtherPayloadTypeIsMalformed() async throws {
        let set = try Fixtures.signed.get()
        let content = set[BundleCase.request(KeyVariant(key: "p256"))].content
        let signers = try Fixtures.signers(set)
        let blob = try BundleCase.editing(content) { bundle in
            bundle["messageSignature"] = ["messageDigest": ["algorithm": "SHA2_256", "digest": "AAAA"], "signature": "AAAA"]
            bundle["dsseEnvelope"] = nil
        }
        let check = try #require(await Fixtures.check(BundleCase.layer(blob), form: .sigstoreBundle, signers: signers))
        #expect(check.outcome == .malformed)
        #expect(check.reason.contains("messageSignature"))
        let otherType = try BundleCase.editing(content) { bundle in
            var envelope = bundle["dsseEnvelope"] as! [String: Any]
            envelope["payloadType"] = "application/json"
            bundle["dsseEnvelope"] = envelope
        }
        #expect(await Fixtures.check(BundleCase.layer(otherType), form: .sigstoreBundle, signers: signers)?.outcome == .malformed)
    }
}
