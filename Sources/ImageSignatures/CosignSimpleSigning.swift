import OCI
import WireFormats

/// cosign's simple-signing layers, which its tag form and referrer form carry alike: the layer is the signed payload,
/// and an annotation holds the signature over its exact bytes.
struct CosignSimpleSigning {
    static let signatureAnnotation = "dev.cosignproject.cosign/signature"
    static let signatureType = "cosign container image signature"
    /// Generous for an RSA-4096 signature (about 700 characters); longer annotations are refused before decoding.
    static let maximumAnnotationLength = 8192

    let verifier: SignatureVerifier

    func check(_ layer: SignatureLayer, subject: Digest, isOtherImage: (Digest) -> Bool) throws(Rejection) -> Finding {
        guard let encoded = layer.descriptor.annotations?[Self.signatureAnnotation] else {
            throw .malformed("the layer has no \(Self.signatureAnnotation) annotation")
        }
        guard encoded.utf8.count <= Self.maximumAnnotationLength else {
            throw .malformed("the \(Self.signatureAnnotation) annotation is \(encoded.utf8.count) characters long, too long for a signature")
        }
        guard let signature = Base64.decode(encoded, padding: .required) else {
            throw .malformed("the \(Self.signatureAnnotation) annotation is not base64")
        }
        // The signature first: what an unauthenticated payload says is not worth reporting.
        guard let (signer, key) = verifier.firstKey(where: { $0.verifies(signature, over: layer.content) }) else {
            throw Rejection(.unverified, "no declared key verifies the signature: it was made with an undeclared key, or the payload or signature was altered")
        }
        do {
            let signed = try signedDigest(layer.content)
            return .binding(signed: signed, subject: subject, signer: signer, fingerprint: key.fingerprint, isOtherImage: isOtherImage)
        } catch {
            throw error.naming(key: key.fingerprint)
        }
    }

    /// `critical.image.docker-manifest-digest`, after checking `critical.type`. Names are matched ignoring case, as
    /// cosign's Go decoder matches them, so `Docker-manifest-digest` (which older signers wrote) reads the same.
    private func signedDigest(_ payload: [UInt8]) throws(Rejection) -> Digest {
        let critical = try JSONObject(parsing: payload, what: "the simple-signing payload").ignoringCase()
            .object("critical").ignoringCase()
        let type = try critical.string("type")
        guard type == Self.signatureType else {
            throw Rejection(.notASignature, "its critical.type is \"\(type.prefix(100))\", not \"\(Self.signatureType)\"")
        }
        let named = try critical.object("image").ignoringCase().string("docker-manifest-digest")
        guard let digest = Digest(named) else {
            throw .malformed("critical.image.docker-manifest-digest \"\(named.prefix(100))\" is not a digest")
        }
        return digest
    }
}
