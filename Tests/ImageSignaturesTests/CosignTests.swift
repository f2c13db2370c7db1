import Foundation
import ImageSignatures
import OCI
import TestSupport
import Testing

/// The requests cosign's simple-signing tests make of sign.py.
enum CosignCase {
    static func request(_ variant: KeyVariant, undeclared: Bool = false, digest: Digest = Fixtures.subject,
                        digestKey: String? = nil, type: String? = nil) -> SignRequest {
        SignRequest(form: "cosign", key: undeclared ? "other-\(variant.key)" : variant.key, digest: digest.description,
                    padding: variant.padding, digestKey: digestKey, type: type)
    }

    static var allRequests: [SignRequest] {
        KeyVariant.all.flatMap { variant in
            [request(variant), request(variant, undeclared: true), request(variant, digest: Fixtures.otherImage),
             request(variant, digestKey: "Docker-manifest-digest"), request(variant, type: "cosign container image attestation")]
        }
    }

    static let mediaType = "application/vnd.dev.cosign.simplesigning.v1+json"

    static func layer(_ signed: Signed, content: [UInt8]? = nil, signature: String? = nil) -> SignatureLayer {
        Fixtures.layer(content ?? signed.content, mediaType: mediaType,
                       annotations: ["dev.cosignproject.cosign/signature": signature ?? signed.signature!])
    }
}

@Suite struct CosignTests {
    static let forms: [SignatureForm] = [.cosignTag, .cosignReferrer]

    @Test(arguments: KeyVariant.all, forms)
    func validSignatureNamesSignerAndOpensslFingerprint(variant: KeyVariant, form: SignatureForm) async throws {
        let set = try Fixtures.signed.get()
        let check = try #require(await Fixtures.check(CosignCase.layer(set[CosignCase.request(variant)]), form: form, signers: try Fixtures.signers(set)))
        #expect(check.outcome == .valid, "\(check.reason)")
        #expect(check.signer == "release")
        #expect(check.keyFingerprint == set.opensslFingerprints[variant.key])
        #expect(check.signedDigest == Fixtures.subject)
        #expect(check.form == form)
        #expect(check.reason.contains(check.keyFingerprint ?? "-"))
    }

    @Test(arguments: KeyVariant.all)
    func undeclaredKeyIsUnverified(variant: KeyVariant) async throws {
        let set = try Fixtures.signed.get()
        let check = try #require(await Fixtures.check(CosignCase.layer(set[CosignCase.request(variant, undeclared: true)]), form: .cosignTag, signers: try Fixtures.signers(set)))
        #expect(check.outcome == .unverified)
        #expect(check.signer == nil && check.keyFingerprint == nil && check.signedDigest == nil)
    }

    @Test(arguments: KeyVariant.all)
    func tamperedPayloadOrSignatureIsUnverified(variant: KeyVariant) async throws {
        let set = try Fixtures.signed.get()
        let signed = set[CosignCase.request(variant)]
        // The last hex digit of the digest the payload names.
        let digitIndex = try #require(signed.content.firstRange(of: Array(Fixtures.subject.hex.utf8))).upperBound - 1
        let signers = try Fixtures.signers(set)
        let tampered = await Fixtures.check(CosignCase.layer(signed, content: signed.content.flippingBit(at: digitIndex)), form: .cosignTag, signers: signers)
        #expect(tampered?.outcome == .unverified)
        let signature = Data(Array(Data(base64Encoded: signed.signature!)!).flippingBit(at: -1)).base64EncodedString()
        let flipped = await Fixtures.check(CosignCase.layer(signed, signature: signature), form: .cosignTag, signers: signers)
        #expect(flipped?.outcome == .unverified)
    }

    @Test(arguments: KeyVariant.all)
    func payloadNamingAnotherDigestIsWrongDigestOrReplayed(variant: KeyVariant) async throws {
        let set = try Fixtures.signed.get()
        let layer = CosignCase.layer(set[CosignCase.request(variant, digest: Fixtures.otherImage)])
        let signers = try Fixtures.signers(set)
        let wrong = try #require(await Fixtures.check(layer, form: .cosignReferrer, signers: signers))
        #expect(wrong.outcome == .wrongDigest)
        #expect(wrong.signedDigest == Fixtures.otherImage)
        #expect(wrong.keyFingerprint == set.opensslFingerprints[variant.key])
        #expect(wrong.signer == nil)
        let replayed = await Fixtures.check(layer, form: .cosignReferrer, signers: signers, otherImages: [Fixtures.otherImage])
        #expect(replayed?.outcome == .replayed)
    }

    @Test(arguments: KeyVariant.all)
    func capitalisedDockerManifestDigestKeyIsAccepted(variant: KeyVariant) async throws {
        let set = try Fixtures.signed.get()
        let check = await Fixtures.check(CosignCase.layer(set[CosignCase.request(variant, digestKey: "Docker-manifest-digest")]), form: .cosignTag, signers: try Fixtures.signers(set))
        #expect(check?.outcome == .valid)
    }

    @Test func anotherCriticalTypeIsNotASignature() async throws {
        let set = try Fixtures.signed.get()
        let request = CosignCase.request(KeyVariant.all[0], type: "cosign container image attestation")
        let check = await Fixtures.check(CosignCase.layer(set[request]), form: .cosignTag, signers: try Fixtures.signers(set))
        #expect(check?.outcome == .notASignature)
    }

    @Test func keyDeclaredTwiceIsReportedAsTheFirstSigners() async throws {
        let set = try Fixtures.signed.get()
        let signers = try Fixtures.signers(set)
        let check = await Fixtures.check(CosignCase.layer(set[CosignCase.request(KeyVariant(key: "p256"))]), form: .cosignTag, signers: signers)
        #expect(check?.signer == "release")
        let reversed = await Fixtures.check(CosignCase.layer(set[CosignCase.request(KeyVariant(key: "p256"))]), form: .cosignTag, signers: signers.reversed())
        #expect(reversed?.signer == "mirror")
    }

    @Test func missingOrUndecodableAnnotationIsMalformed() async throws {
        let set = try Fixtures.signed.get()
        let signed = set[CosignCase.request(KeyVariant(key: "ed25519"))]
        let signers = try Fixtures.signers(set)
        let bare = Fixtures.layer(signed.content, mediaType: CosignCase.mediaType)
        #expect(await Fixtures.check(bare, form: .cosignTag, signers: signers)?.outcome == .malformed)
        let notBase64 = CosignCase.layer(signed, signature: "not base64!")
        #expect(await Fixtures.check(notBase64, form: .cosignTag, signers: signers)?.outcome == .malformed)
    }
}
