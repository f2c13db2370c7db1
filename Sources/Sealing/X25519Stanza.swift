import Crypto
import WireFormats

/// The native age recipient stanza: `-> X25519 <ephemeral share>`.
enum X25519Stanza {
    private static let label = Array("age-encryption.org/v1/X25519".utf8)

    static func wrap(_ fileKey: SymmetricKey, to recipient: [UInt8]) throws -> Stanza {
        let ephemeral = Curve25519.KeyAgreement.PrivateKey()
        let share = Array(ephemeral.publicKey.rawRepresentation)
        let recipientKey = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: recipient)
        let shared = try ephemeral.sharedSecretFromKeyAgreement(with: recipientKey)
        let wrappingKey = shared.hkdfDerivedSymmetricKey(
            using: SHA256.self, salt: share + recipient, sharedInfo: label, outputByteCount: 32)
        return Stanza(
            type: "X25519", arguments: [Base64.encode(share, padded: false)],
            body: try AgeHeader.wrapFileKey(fileKey, with: wrappingKey))
    }
}
