import Crypto
import WireFormats

/// age's stanzas for reusing SSH keys: `-> ssh-ed25519 <tag> <share>` and `-> ssh-rsa <tag>`.
enum SSHStanzas {
    private static let ed25519Label = Array("age-encryption.org/v1/ssh-ed25519".utf8)
    private static let rsaLabel = Array("age-encryption.org/v1/ssh-rsa".utf8)

    /// The first 4 bytes of SHA-256 over the SSH key blob; identities skip stanzas whose tag differs.
    private static func tag(_ wireKey: [UInt8]) -> String {
        Base64.encode(SHA256.hash(data: wireKey).prefix(4), padded: false)
    }

    static func wrapEd25519(_ fileKey: SymmetricKey, wireKey: [UInt8], montgomery: [UInt8]) throws -> Stanza {
        let ephemeral = Curve25519.KeyAgreement.PrivateKey()
        let share = Array(ephemeral.publicKey.rawRepresentation)
        let first = try ephemeral.sharedSecretFromKeyAgreement(
            with: Curve25519.KeyAgreement.PublicKey(rawRepresentation: montgomery))
        // The extra scalar multiplication by a key-bound tweak ties the secret to this exact SSH key.
        let tweak = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: [UInt8]()), salt: wireKey, info: ed25519Label, outputByteCount: 32)
        let tweakScalar = try tweak.withUnsafeBytes { try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: $0) }
        let shared = try first.withUnsafeBytes { point in
            try tweakScalar.sharedSecretFromKeyAgreement(with: Curve25519.KeyAgreement.PublicKey(rawRepresentation: point))
        }
        let wrappingKey = shared.hkdfDerivedSymmetricKey(
            using: SHA256.self, salt: share + montgomery, sharedInfo: ed25519Label, outputByteCount: 32)
        return Stanza(
            type: "ssh-ed25519", arguments: [tag(wireKey), Base64.encode(share, padded: false)],
            body: try AgeHeader.wrapFileKey(fileKey, with: wrappingKey))
    }

    static func wrapRSA(_ fileKey: SymmetricKey, wireKey: [UInt8], modulus: [UInt8], exponent: [UInt8]) -> Stanza {
        let body = fileKey.withUnsafeBytes {
            RSAOAEP.encrypt(Array($0), modulus: modulus, exponent: exponent, label: rsaLabel)
        }
        return Stanza(type: "ssh-rsa", arguments: [tag(wireKey)], body: body)
    }
}
