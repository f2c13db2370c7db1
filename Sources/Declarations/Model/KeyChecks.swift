import Foundation

/// What modules outside Declarations know about key material: whether a robot's token can be sealed to a key, and
/// whether a Signer's key or CA certificate can verify image signatures. Each check answers nil when the material is
/// usable, otherwise why not.
///
/// Sealing and signature verification are not dependencies of Declarations, so their verdicts are injected: the server
/// and the CLI pass checks built on those modules' own parsers, so `berth validate` refuses exactly what minting or
/// verifying would (short RSA keys, unsupported curves, certificates that are no CA, …). ``structural`` checks only what
/// can be seen in the text.
public struct KeyChecks: Sendable {
    public let recipient: @Sendable (RecipientKey) -> String?
    public let signing: @Sendable (SigningMaterial) -> String?

    public init(recipient: @escaping @Sendable (RecipientKey) -> String?,
                signing: @escaping @Sendable (SigningMaterial) -> String? = { _ in nil }) {
        self.recipient = recipient
        self.signing = signing
    }

    /// The shape of age recipients and OpenSSH keys; PEM keys and certificates were already checked when parsed.
    public static let structural = KeyChecks(recipient: { key in
        switch key {
        case .pem: return nil
        case .age(let recipient): return ageProblem(recipient)
        case .ssh(let type, let key): return sshProblem(type: type, base64: key)
        }
    })

    /// The bech32 alphabet, without its checksum (which the injected check verifies).
    private static let bech32Alphabet = Set("qpzry9x8gf2tvdw0s3jn54khce6mua7l")

    /// `age1` and 58 bech32 characters: 32 bytes of X25519 key and a 6-character checksum.
    private static func ageProblem(_ recipient: String) -> String? {
        let data = recipient.dropFirst(4)
        guard data.allSatisfy(bech32Alphabet.contains) else { return "it has characters outside bech32" }
        guard data.count == 58 else { return "it has \(data.count) characters after 'age1', expected 58" }
        return nil
    }

    /// The base64 blob must start with the same key type as the line.
    private static func sshProblem(type: String, base64: String) -> String? {
        guard let blob = Data(base64Encoded: base64) else { return "its key data is not valid base64 (truncated?)" }
        let bytes = [UInt8](blob)
        guard bytes.count >= 4 else { return "its key data is truncated" }
        let length = bytes[0..<4].reduce(0) { $0 << 8 | Int($1) }
        guard bytes.count >= 4 + length, bytes[4..<(4 + length)].elementsEqual(type.utf8) else {
            return "its key data does not encode a \(type) key"
        }
        return nil
    }
}

/// A Signer's trust material, as the injected signing check sees it.
public enum SigningMaterial: Sendable, Hashable {
    /// One of `spec.publicKeys`.
    case publicKey(PEMPublicKey)
    /// One of `spec.certificates`: a CA certificate that notation signatures chain to.
    case certificate(PEMCertificate)
}
