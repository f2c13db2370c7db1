import Crypto
import _CryptoExtras
import X509

/// The JWS algorithms the Notary Project signature specification allows, each tied to one kind of key.
enum JWSAlgorithm: String, CaseIterable {
    case ps256 = "PS256", ps384 = "PS384", ps512 = "PS512"
    case es256 = "ES256", es384 = "ES384", es512 = "ES512"

    /// Whether the specification pairs this algorithm with `key`: RSA 2048, 3072 and 4096 bits with PS256, PS384 and
    /// PS512; P-256, P-384 and P-521 with ES256, ES384 and ES512. A mismatch means the header was not written for this key.
    func fits(_ key: Certificate.PublicKey) -> Bool {
        switch self {
        case .ps256: _RSA.Signing.PublicKey(key)?.keySizeInBits == 2048
        case .ps384: _RSA.Signing.PublicKey(key)?.keySizeInBits == 3072
        case .ps512: _RSA.Signing.PublicKey(key)?.keySizeInBits == 4096
        case .es256: P256.Signing.PublicKey(key) != nil
        case .es384: P384.Signing.PublicKey(key) != nil
        case .es512: P521.Signing.PublicKey(key) != nil
        }
    }

    /// Whether `signature` signs `input` with `key` under this algorithm: RSASSA-PSS with the hash's length as salt, or
    /// ECDSA with the signature as raw r || s (RFC 7518 §3.4), not DER.
    func verifies(_ signature: [UInt8], over input: [UInt8], with key: Certificate.PublicKey) -> Bool {
        switch self {
        case .ps256, .ps384, .ps512:
            guard let key = _RSA.Signing.PublicKey(key) else { return false }
            let signature = _RSA.Signing.RSASignature(rawRepresentation: signature)
            return switch self {
            case .ps384: key.isValidSignature(signature, for: SHA384.hash(data: input), padding: .PSS)
            case .ps512: key.isValidSignature(signature, for: SHA512.hash(data: input), padding: .PSS)
            default: key.isValidSignature(signature, for: SHA256.hash(data: input), padding: .PSS)
            }
        case .es256:
            guard let key = P256.Signing.PublicKey(key),
                  let signature = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(signature, for: SHA256.hash(data: input))
        case .es384:
            guard let key = P384.Signing.PublicKey(key),
                  let signature = try? P384.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(signature, for: SHA384.hash(data: input))
        case .es512:
            guard let key = P521.Signing.PublicKey(key),
                  let signature = try? P521.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(signature, for: SHA512.hash(data: input))
        }
    }
}
