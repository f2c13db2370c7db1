import Foundation
import OCI
import WireFormats

/// A sigstore bundle v0.3 as cosign pushes it for a key-based image signature: a DSSE envelope whose payload is an
/// in-toto statement. Offline: transparency-log entries and timestamps in the bundle are not checked.
struct SigstoreBundle {
    static let inTotoPayloadType = "application/vnd.in-toto+json"
    /// DSSE allows several signatures; a bundle has one. A few more are tolerated, not thousands.
    static let maximumSignatures = 16

    let verifier: SignatureVerifier

    func check(_ content: [UInt8], subject: Digest, isOtherImage: (Digest) -> Bool) throws(Rejection) -> Finding {
        let bundle = try JSONObject(parsing: content, what: "the bundle")
        if let mediaType = try bundle.optionalString("mediaType"), !mediaType.hasPrefix("application/vnd.dev.sigstore.bundle") {
            throw .malformed("the bundle's mediaType \"\(mediaType.prefix(100))\" is not a sigstore bundle's")
        }
        guard let envelope = try bundle.optionalObject("dsseEnvelope") else {
            if bundle.has("messageSignature") {
                throw .malformed("the bundle holds a messageSignature (a signed blob), not a DSSE envelope; image signatures are DSSE envelopes")
            }
            throw .malformed("the bundle has no dsseEnvelope")
        }
        let payloadType = try envelope.string("payloadType")
        guard payloadType == Self.inTotoPayloadType else {
            throw .malformed("the envelope's payloadType is \"\(payloadType.prefix(100))\", not \(Self.inTotoPayloadType)")
        }
        guard let payload = Self.decodeBytes(try envelope.string("payload")) else {
            throw .malformed("dsseEnvelope.payload is not base64")
        }
        let entries = try envelope.objects("signatures")
        guard !entries.isEmpty else { throw .malformed("dsseEnvelope.signatures is empty") }
        guard entries.count <= Self.maximumSignatures else {
            throw .malformed("dsseEnvelope has \(entries.count) signatures, more than \(Self.maximumSignatures)")
        }
        var signatures: [[UInt8]] = []
        for entry in entries {
            guard let signature = Self.decodeBytes(try entry.string("sig")) else { throw .malformed("\(entry.path).sig is not base64") }
            signatures.append(signature)
        }
        let signed = Self.preAuthenticationEncoding(payloadType: payloadType, payload: payload)
        guard let (signer, key) = verifier.firstKey(where: { key in signatures.contains { key.verifies($0, over: signed) } }) else {
            throw unverified(hint: try Self.hintedFingerprint(bundle))
        }
        do throws(Rejection) {
            let statement = try InTotoStatement(payload)
            if let digest = statement.subjectDigests.first(where: { $0 == subject })
                ?? statement.subjectDigests.first(where: isOtherImage) ?? statement.subjectDigests.first {
                return .binding(signed: digest, subject: subject, signer: signer, fingerprint: key.fingerprint, isOtherImage: isOtherImage)
            }
            throw Rejection.malformed("the statement names no sha256 or sha512 subject digest")
        } catch {
            throw error.naming(key: key.fingerprint)
        }
    }

    /// No declared key verifies: the key hint, unauthenticated as it is, tells whether a declared key was meant.
    private func unverified(hint: String?) -> Rejection {
        guard let hint else {
            return Rejection(.unverified, "no declared key verifies the signature: it was made with an undeclared key, or the envelope was altered")
        }
        guard let signer = verifier.signer(declaring: hint) else {
            return Rejection(.undeclaredKey, "the bundle's key hint names key \(hint), which no signer declares, and no declared key verifies the signature",
                             keyFingerprint: hint)
        }
        return Rejection(.badSignature, "the bundle's key hint names key \(hint) of \(signer), and the signature does not verify with it: the envelope was altered",
                         keyFingerprint: hint)
    }

    /// `verificationMaterial.publicKey.hint` as a Berth fingerprint, when it is what sigstore writes there: the base64
    /// of the SHA-256 of the key's DER SubjectPublicKeyInfo. Any other hint says nothing Berth can use.
    private static func hintedFingerprint(_ bundle: JSONObject) throws(Rejection) -> String? {
        guard let hint = try bundle.optionalObject("verificationMaterial")?.optionalObject("publicKey")?.optionalString("hint"),
              let hash = decodeBytes(hint), hash.count == 32
        else { return nil }
        return Hex.string(hash, prefix: "sha256:")
    }

    /// Protobuf's JSON form of `bytes`: standard base64 with padding when written, but readers take either alphabet,
    /// padded or not, so this does too.
    static func decodeBytes(_ text: String) -> [UInt8]? {
        Base64.decode(text, padding: .optional) ?? Base64URL.decode(text, padding: .optional)
    }

    /// DSSE's PAE: `"DSSEv1" SP len(type) SP type SP len(body) SP body`, lengths as ASCII decimal byte counts. The
    /// signature covers this, so the payload type cannot be swapped under it.
    static func preAuthenticationEncoding(payloadType: String, payload: [UInt8]) -> [UInt8] {
        Array("DSSEv1 \(payloadType.utf8.count) \(payloadType) \(payload.count) ".utf8) + payload
    }
}
