import Foundation
import ImageSignatures
import OCI
import TestSupport
import Testing

/// A leaf key kind and the JWS algorithm the Notary Project specification pairs with it.
struct NotationVariant: Sendable, Hashable, CustomStringConvertible {
    var key: String
    var alg: String
    var description: String { "\(key)-\(alg)" }

    static let all = [NotationVariant(key: "rsa", alg: "PS256"), NotationVariant(key: "p256", alg: "ES256"), NotationVariant(key: "p384", alg: "ES384")]
}

/// The requests the notation tests make of sign.py.
enum NotationCase {
    static func request(_ variant: NotationVariant, digest: Digest = Fixtures.subject, alg: String? = nil, chain: String? = nil,
                        expiredLeaf: Bool? = nil, expiry: Int? = nil, expiryInCrit: Bool? = nil, extraCrit: [String]? = nil,
                        signingTimeOffset: Int? = nil) -> SignRequest {
        SignRequest(form: "notation", key: variant.key, digest: digest.description, alg: alg ?? variant.alg, chain: chain, expiredLeaf: expiredLeaf,
                    expiry: expiry, expiryInCrit: expiryInCrit, extraCrit: extraCrit, signingTimeOffset: signingTimeOffset)
    }

    static let p256 = NotationVariant.all[1]

    static var allRequests: [SignRequest] {
        NotationVariant.all.flatMap { [request($0), request($0, digest: Fixtures.otherImage)] } + [
            request(p256, chain: "other"), request(p256, expiredLeaf: true), request(p256, alg: "ES384"),
            request(NotationVariant.all[0], alg: "PS384"), request(p256, extraCrit: ["io.example.unknown"]),
            request(p256, expiry: -30), request(p256, expiry: 3600), request(p256, expiry: 3600, expiryInCrit: false),
            request(p256, signingTimeOffset: 3600),
        ]
    }

    static func layer(_ content: [UInt8], mediaType: String = "application/jose+json") -> SignatureLayer {
        Fixtures.layer(content, mediaType: mediaType)
    }

    /// The envelope with one bit flipped in the decoded base64url field `field`.
    static func flipping(_ content: [UInt8], _ field: String, at index: Int) throws -> [UInt8] {
        var envelope = try #require(try JSONSerialization.jsonObject(with: Data(content)) as? [String: Any])
        var standard = (envelope[field] as! String).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        let flipped = Data(Array(Data(base64Encoded: standard)!).flippingBit(at: index)).base64EncodedString()
        envelope[field] = flipped.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return Array(try JSONSerialization.data(withJSONObject: envelope))
    }
}

@Suite struct NotationTests {
    func check(_ request: SignRequest, otherImages: Set<Digest> = []) async throws -> SignatureCheck {
        let set = try Fixtures.signed.get()
        return try #require(await Fixtures.check(NotationCase.layer(set[request].content), form: .notation, signers: try Fixtures.signers(set), otherImages: otherImages))
    }

    @Test(arguments: NotationVariant.all)
    func validSignatureChainsToTheDeclaredRoot(variant: NotationVariant) async throws {
        let set = try Fixtures.signed.get()
        let check = try await check(NotationCase.request(variant))
        #expect(check.outcome == .valid, "\(check.reason)")
        #expect(check.signer == "release")
        #expect(check.keyFingerprint == set.opensslFingerprints[variant.key])
        #expect(check.signedDigest == Fixtures.subject)
        // The leaf expires first: in a year, against the CAs' ten.
        let validUntil = try #require(check.validUntil)
        #expect(validUntil > Date().addingTimeInterval(300 * 86400) && validUntil < Date().addingTimeInterval(400 * 86400))
    }

    @Test(arguments: NotationVariant.all)
    func tamperedPayloadOrSignatureIsBadSignature(variant: NotationVariant) async throws {
        let set = try Fixtures.signed.get()
        let content = set[NotationCase.request(variant)].content
        for tampered in [try NotationCase.flipping(content, "payload", at: 20), try NotationCase.flipping(content, "signature", at: -1)] {
            let check = await Fixtures.check(NotationCase.layer(tampered), form: .notation, signers: try Fixtures.signers(set))
            #expect(check?.outcome == .badSignature, "\(check?.reason ?? "")")
            #expect(check?.keyFingerprint == set.opensslFingerprints[variant.key])
        }
    }

    @Test(arguments: NotationVariant.all)
    func payloadForAnotherDigestIsWrongDigestOrReplayed(variant: NotationVariant) async throws {
        let request = NotationCase.request(variant, digest: Fixtures.otherImage)
        let wrong = try await check(request)
        #expect(wrong.outcome == .wrongDigest)
        #expect(wrong.signedDigest == Fixtures.otherImage)
        #expect(try await check(request, otherImages: [Fixtures.otherImage]).outcome == .replayed)
    }

    @Test func expiredLeafIsExpiredCertificate() async throws {
        let check = try await check(NotationCase.request(NotationCase.p256, expiredLeaf: true))
        #expect(check.outcome == .expiredCertificate, "\(check.reason)")
    }

    @Test func chainToAnUndeclaredCAIsUndeclaredKey() async throws {
        let set = try Fixtures.signed.get()
        let check = try await check(NotationCase.request(NotationCase.p256, chain: "other"))
        #expect(check.outcome == .undeclaredKey, "\(check.reason)")
        #expect(check.keyFingerprint == set.opensslFingerprints["p256"])
    }

    @Test func algorithmNotFittingTheKeyIsNotValid() async throws {
        for request in [NotationCase.request(NotationCase.p256, alg: "ES384"), NotationCase.request(NotationVariant.all[0], alg: "PS384")] {
            let check = try await check(request)
            #expect(check.outcome == .badSignature, "\(check.reason)")
        }
    }

    @Test func unknownCriticalHeaderIsMalformed() async throws {
        let check = try await check(NotationCase.request(NotationCase.p256, extraCrit: ["io.example.unknown"]))
        #expect(check.outcome == .malformed)
        #expect(check.reason.contains("io.example.unknown") && check.reason.contains("does not understand"))
    }

    @Test func expiryDecidesOrBoundsValidity() async throws {
        #expect(try await check(NotationCase.request(NotationCase.p256, expiry: -30)).outcome == .expiredCertificate)
        let bounded = try await check(NotationCase.request(NotationCase.p256, expiry: 3600))
        #expect(bounded.outcome == .valid)
        let validUntil = try #require(bounded.validUntil)
        #expect(abs(validUntil.timeIntervalSinceNow - 3540) < 120)
        #expect(try await check(NotationCase.request(NotationCase.p256, expiry: 3600, expiryInCrit: false)).outcome == .malformed)
    }

    @Test func signingTimeInTheFutureIsRefused() async throws {
        let check = try await check(NotationCase.request(NotationCase.p256, signingTimeOffset: 3600))
        #expect(check.outcome == .malformed)
        #expect(check.reason.contains("future"))
    }

    @Test func coseEnvelopeIsMalformed() async throws {
        let set = try Fixtures.signed.get()
        let check = await Fixtures.check(NotationCase.layer([0xd2, 0x84], mediaType: "application/cose"), form: .notation, signers: try Fixtures.signers(set))
        #expect(check?.outcome == .malformed)
        #expect(check?.reason == "COSE envelopes are not supported yet")
    }
}
