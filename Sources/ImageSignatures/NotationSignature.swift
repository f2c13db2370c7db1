import Foundation
import OCI
import SwiftASN1
import WireFormats
// Chains are built with expiry checks off so that Berth can tell an expired certificate (its own check, below) from
// a chain to no declared CA: the RFC 5280 policy reports both as one failure.
@_spi(DisableValidityCheck) import X509

/// A Notary Project signature in a JWS envelope (JSON serialization), with the signing scheme notary.x509: the
/// certificate chain in `x5c` must lead to a CA a signer declares.
struct NotationSignature {
    /// At most this many certificates are read from `x5c`.
    static let maximumChainLength = 16
    /// Signing times this far ahead of `now` are clock skew; further ahead, the signature is not believed.
    static let allowedClockSkew: TimeInterval = 5 * 60

    let verifier: SignatureVerifier

    func check(_ layer: SignatureLayer, subject: Digest, isOtherImage: (Digest) -> Bool) async throws(Rejection) -> Finding {
        guard layer.descriptor.mediaType == SignatureForm.joseLayerType else {
            throw .malformed("COSE envelopes are not supported yet")
        }
        let envelope = try JSONObject(parsing: layer.content, what: "the JWS envelope")
        let encodedProtected = try envelope.string("protected"), encodedPayload = try envelope.string("payload")
        guard let protectedBytes = Base64URL.decode(encodedProtected) else { throw .malformed("the JWS protected header is not unpadded base64url") }
        guard let payload = Base64URL.decode(encodedPayload) else { throw .malformed("the JWS payload is not unpadded base64url") }
        guard let signature = Base64URL.decode(try envelope.string("signature")) else { throw .malformed("the JWS signature is not unpadded base64url") }
        let header = try NotationProtectedHeader(protectedBytes)
        let chain = try Self.certificates(try envelope.object("header"))
        let leaf = chain[0]
        let fingerprint = try Self.fingerprint(leaf.publicKey)
        let signingInput = Array(encodedProtected.utf8) + [UInt8(ascii: ".")] + Array(encodedPayload.utf8)
        guard header.algorithm.fits(leaf.publicKey) else {
            throw Rejection(.badSignature, "the header's alg \(header.algorithm.rawValue) does not fit the leaf certificate's \(leaf.publicKey) key",
                            keyFingerprint: fingerprint)
        }
        guard header.algorithm.verifies(signature, over: signingInput, with: leaf.publicKey) else {
            throw Rejection(.badSignature, "the signature does not verify with the leaf certificate's key \(fingerprint): the envelope was altered",
                            keyFingerprint: fingerprint)
        }
        guard header.signingTime <= verifier.now.addingTimeInterval(Self.allowedClockSkew) else {
            throw Rejection(.malformed, "its signing time \(header.signingTime) is in the future", keyFingerprint: fingerprint)
        }
        guard let (signer, trusted) = await trustedChain(leaf: leaf, presented: chain) else {
            throw Rejection(.undeclaredKey, "its certificate chain (leaf key \(fingerprint), issued by \(chain.last!.issuer)) leads to no CA a signer declares",
                            keyFingerprint: fingerprint)
        }
        if let expiry = header.expiry, expiry < verifier.now {
            throw Rejection(.expiredCertificate, "the signature expired at \(expiry)", keyFingerprint: fingerprint)
        }
        for certificate in trusted {
            for (moment, when) in [(verifier.now, "now"), (header.signingTime, "at its signing time \(header.signingTime)")]
            where moment < certificate.notValidBefore || moment > certificate.notValidAfter {
                throw Rejection(.expiredCertificate,
                                "the certificate \(certificate.subject) is not valid \(when): it is valid from \(certificate.notValidBefore) until \(certificate.notValidAfter)",
                                keyFingerprint: fingerprint)
            }
        }
        var finding: Finding
        do {
            let signed = try Self.targetDigest(payload)
            finding = .binding(signed: signed, subject: subject, signer: signer, fingerprint: fingerprint, isOtherImage: isOtherImage)
        } catch {
            throw error.naming(key: fingerprint)
        }
        if finding.outcome == .valid {
            finding.validUntil = ([header.expiry].compactMap { $0 } + trusted.map(\.notValidAfter)).min()
        }
        return finding
    }

    /// The chain from `leaf` to the first signer's CA it leads to, by signers' declaration order, or nil.
    private func trustedChain(leaf: Certificate, presented: [Certificate]) async -> (signer: String, chain: [Certificate])? {
        for signer in verifier.signers where !signer.certificateAuthorities.isEmpty {
            var chainVerifier = Verifier(rootCertificates: CertificateStore(signer.certificateAuthorities)) {
                RFC5280Policy.withValidityCheckDisabled()
            }
            let result = await chainVerifier.validate(leaf: leaf, intermediates: CertificateStore(presented.dropFirst()))
            if case .validCertificate(let chain) = result { return (signer.name, Array(chain)) }
        }
        return nil
    }

    /// `header.x5c`: standard base64 DER certificates, leaf first.
    private static func certificates(_ header: JSONObject) throws(Rejection) -> [Certificate] {
        let encoded = try header.strings("x5c")
        guard !encoded.isEmpty else { throw .malformed("header.x5c is empty") }
        guard encoded.count <= maximumChainLength else {
            throw .malformed("header.x5c has \(encoded.count) certificates, more than \(maximumChainLength)")
        }
        var certificates: [Certificate] = []
        for (index, text) in encoded.enumerated() {
            guard let der = Base64.decode(text, padding: .required), let certificate = try? Certificate(derEncoded: der) else {
                throw .malformed("header.x5c[\(index)] is not a base64 DER X.509 certificate")
            }
            certificates.append(certificate)
        }
        return certificates
    }

    private static func fingerprint(_ key: Certificate.PublicKey) throws(Rejection) -> String {
        var serializer = DER.Serializer()
        do {
            try serializer.serialize(key)
        } catch {
            throw .malformed("the leaf certificate's key cannot be encoded")
        }
        return keyFingerprint(spki: serializer.serializedBytes)
    }

    /// `targetArtifact.digest` of the payload.
    private static func targetDigest(_ payload: [UInt8]) throws(Rejection) -> Digest {
        let target = try JSONObject(parsing: payload, what: "the payload").object("targetArtifact")
        _ = try target.string("mediaType")
        let named = try target.string("digest")
        guard let digest = Digest(named) else { throw .malformed("targetArtifact.digest \"\(named.prefix(100))\" is not a digest") }
        return digest
    }
}
