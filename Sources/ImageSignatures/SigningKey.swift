import Crypto
import _CryptoExtras
import SwiftASN1

/// A declared public key, of a type Berth verifies cosign and DSSE signatures with.
struct SigningKey: Sendable {
    enum Material: Sendable {
        case p256(P256.Signing.PublicKey)
        case p384(P384.Signing.PublicKey)
        case ed25519(Curve25519.Signing.PublicKey)
        case rsa(_RSA.Signing.PublicKey)
    }

    let material: Material
    let fingerprint: String

    /// Why a key was refused, as a sentence for `SignerKeyError.reason`.
    struct Refusal: Error {
        var reason: String
    }

    private static let ecPublicKey: ASN1ObjectIdentifier = [1, 2, 840, 10045, 2, 1]
    private static let ed25519: ASN1ObjectIdentifier = [1, 3, 101, 112]
    private static let rsaEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 1]
    private static let p256: ASN1ObjectIdentifier = [1, 2, 840, 10045, 3, 1, 7]
    private static let p384: ASN1ObjectIdentifier = [1, 3, 132, 0, 34]
    /// Names for the refusal messages of keys people do try to declare.
    private static let knownNames: [ASN1ObjectIdentifier: String] = [
        [1, 3, 132, 0, 35]: "ECDSA P-521",
        [1, 3, 132, 0, 10]: "ECDSA secp256k1",
        [1, 3, 101, 113]: "Ed448",
        [1, 3, 101, 110]: "X25519",
        [1, 2, 840, 113549, 1, 1, 10]: "RSASSA-PSS-only RSA",
        [1, 2, 840, 10040, 4, 1]: "DSA",
    ]

    /// Reads a DER SubjectPublicKeyInfo: ECDSA P-256 or P-384, Ed25519, or RSA of at least 2048 bits.
    init(spki der: [UInt8]) throws(Refusal) {
        let algorithm: ASN1ObjectIdentifier, curve: ASN1ObjectIdentifier?, keyBits: ASN1BitString
        do {
            (algorithm, curve, keyBits) = try DER.sequence(try DER.parse(der), identifier: .sequence) { nodes in
                guard let identifier = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no algorithm identifier") }
                let (algorithm, curve) = try DER.sequence(identifier, identifier: .sequence) { parts in
                    let algorithm = try ASN1ObjectIdentifier(derEncoded: &parts)
                    // ECDSA keys name their curve here; RSA has a NULL and Ed25519 nothing.
                    let curve = parts.next().flatMap { try? ASN1ObjectIdentifier(derEncoded: $0) }
                    return (algorithm, curve)
                }
                return (algorithm, curve, try ASN1BitString(derEncoded: &nodes))
            }
        } catch {
            throw Refusal(reason: "not a DER SubjectPublicKeyInfo (an `openssl pkey -pubin -outform DER` key)")
        }
        do {
            switch algorithm {
            case Self.ecPublicKey where curve == Self.p256:
                material = .p256(try P256.Signing.PublicKey(derRepresentation: der))
            case Self.ecPublicKey where curve == Self.p384:
                material = .p384(try P384.Signing.PublicKey(derRepresentation: der))
            case Self.ecPublicKey:
                let name = curve.map { Self.knownNames[$0] ?? "ECDSA on curve \($0)" } ?? "ECDSA without a named curve"
                throw Refusal(reason: "\(name) keys are not supported; ECDSA keys must be on P-256 or P-384")
            case Self.ed25519:
                guard keyBits.paddingBits == 0 else { throw Refusal(reason: "an Ed25519 key whose bit string is not whole bytes") }
                material = .ed25519(try Curve25519.Signing.PublicKey(rawRepresentation: keyBits.bytes))
            case Self.rsaEncryption:
                // The unsafe reader takes 1024-bit keys too, so a short key is refused with its size rather than as unreadable.
                let key = try _RSA.Signing.PublicKey(unsafeDERRepresentation: der)
                guard key.keySizeInBits >= 2048 else {
                    throw Refusal(reason: "an RSA key of \(key.keySizeInBits) bits; RSA keys must have at least 2048 bits")
                }
                material = .rsa(key)
            default:
                let name = Self.knownNames[algorithm].map { "\($0) keys are" } ?? "keys of algorithm OID \(algorithm) are"
                throw Refusal(reason: "\(name) not supported; use ECDSA P-256 or P-384, Ed25519, or RSA of at least 2048 bits")
            }
        } catch let refusal as Refusal {
            throw refusal
        } catch {
            throw Refusal(reason: "a key of algorithm OID \(algorithm) whose key bits cannot be decoded")
        }
        fingerprint = keyFingerprint(spki: der)
    }

    /// Whether `signature` signs `message` with this key, as cosign and DSSE sign: ECDSA in ASN.1 DER over SHA-256
    /// (P-256) or SHA-384 (P-384), Ed25519 over the message itself, RSA over SHA-256 with PKCS#1 v1.5 or PSS (both
    /// are in use, and the signature does not say which).
    func verifies(_ signature: [UInt8], over message: [UInt8]) -> Bool {
        switch material {
        case .p256(let key):
            guard let signature = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(signature, for: SHA256.hash(data: message))
        case .p384(let key):
            guard let signature = try? P384.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(signature, for: SHA384.hash(data: message))
        case .ed25519(let key):
            return key.isValidSignature(signature, for: message)
        case .rsa(let key):
            let signature = _RSA.Signing.RSASignature(rawRepresentation: signature)
            let digest = SHA256.hash(data: message)
            return key.isValidSignature(signature, for: digest, padding: .insecurePKCS1v1_5)
                || key.isValidSignature(signature, for: digest, padding: .PSS)
        }
    }
}
