import Foundation
import WireFormats

/// A public key that a secret can be sealed to, parsed from a declaration's `deliverTo.recipientPublicKey`.
public struct SealingRecipient: Sendable, Hashable {
    enum Key: Sendable, Hashable {
        /// An age native recipient: a 32-byte X25519 public key.
        case x25519(publicKey: [UInt8])
        /// `wireKey` is the SSH blob (hashed into the stanza tag and tweak); `montgomery` its X25519 form.
        case sshEd25519(wireKey: [UInt8], montgomery: [UInt8])
        /// `wireKey` is the canonical SSH blob (also for PEM keys), since age tags stanzas by its hash.
        case sshRSA(wireKey: [UInt8], modulus: [UInt8], exponent: [UInt8])
    }

    let key: Key

    /// Parses an age X25519 recipient (`age1…`), an OpenSSH `ssh-ed25519`/`ssh-rsa` public key line,
    /// or a PEM RSA public key (SPKI or PKCS#1). RSA keys must have at least 2048 bits.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("-----BEGIN ") {
            let rsa = try PEMKeys.parseRSA(trimmed)
            key = try Self.rsa(modulus: rsa.modulus, exponent: rsa.exponent)
        } else if trimmed.uppercased().hasPrefix("AGE-SECRET-KEY-") {
            throw SealingError.unsupportedRecipient(
                "an age secret key (AGE-SECRET-KEY-…) was given; provide its public key (age1…, printed by age-keygen -y)")
        } else if trimmed.lowercased().hasPrefix("age1") {
            key = try Self.ageX25519(trimmed)
        } else {
            key = try Self.openSSH(trimmed)
        }
    }

    /// "age-x25519", "ssh-ed25519" or "ssh-rsa" (PEM RSA keys are sealed as ssh-rsa).
    public var kind: String {
        switch key {
        case .x25519: return "age-x25519"
        case .sshEd25519: return "ssh-ed25519"
        case .sshRSA: return "ssh-rsa"
        }
    }

    private static func ageX25519(_ text: String) throws -> Key {
        let kind = "age X25519"
        switch Bech32.decode(text) {
        case .failure(let failure):
            throw SealingError.malformedRecipient(kind: kind, reason: failure.reason)
        case .success(let (hrp, data)):
            guard hrp == "age" else {
                throw SealingError.malformedRecipient(kind: kind, reason: "bech32 prefix is not 'age'")
            }
            guard data.count == 32 else {
                throw SealingError.malformedRecipient(kind: kind, reason: "key is \(data.count) bytes, expected 32")
            }
            return .x25519(publicKey: data)
        }
    }

    private static func openSSH(_ text: String) throws -> Key {
        guard !text.contains(where: \.isNewline) else {
            throw SealingError.malformedRecipient(kind: "OpenSSH", reason: "expected a single 'type base64 [comment]' line")
        }
        let fields = text.split(maxSplits: 2, whereSeparator: { $0 == " " || $0 == "\t" })
        let type = fields.first.map(String.init) ?? ""
        guard type == "ssh-ed25519" || type == "ssh-rsa" else {
            if type.hasPrefix("ecdsa-sha2-") || type.hasPrefix("sk-") || type == "ssh-dss" {
                throw SealingError.unsupportedRecipient("OpenSSH '\(type.prefix(40))' keys")
            }
            throw SealingError.unsupportedRecipient("the text is not a recognised public key format")
        }
        guard fields.count >= 2, let blob = Data(base64Encoded: String(fields[1])) else {
            throw SealingError.malformedRecipient(kind: type, reason: "the key data is missing or not valid base64 (truncated?)")
        }
        let wireKey = Array(blob)
        var reader = SSHWireReader(wireKey)
        guard let innerType = try? reader.readString(what: "key type") else {
            throw SealingError.malformedRecipient(kind: type, reason: "the key data is truncated")
        }
        guard innerType == Array(type.utf8) else {
            throw SealingError.malformedRecipient(kind: type, reason: "the key data encodes a different key type than the line declares")
        }
        if type == "ssh-ed25519" {
            guard let point = try? reader.readString(what: "Ed25519 key"), reader.isAtEnd, point.count == 32 else {
                throw SealingError.malformedRecipient(kind: type, reason: "the key data is not a 32-byte Ed25519 key")
            }
            guard let montgomery = Curve25519Conversion.montgomeryU(fromEdwards: point) else {
                throw SealingError.malformedRecipient(kind: type, reason: "the key is not a usable point on Ed25519")
            }
            return .sshEd25519(wireKey: wireKey, montgomery: montgomery)
        }
        // Zero is no RSA value, so an empty magnitude is refused like a negative one.
        guard let exponent = try? reader.readPositiveMPInt(what: "RSA exponent"), !exponent.isEmpty,
            let modulus = try? reader.readPositiveMPInt(what: "RSA modulus"), !modulus.isEmpty, reader.isAtEnd
        else {
            throw SealingError.malformedRecipient(kind: type, reason: "the key data is not an RSA exponent and modulus")
        }
        return try rsa(modulus: modulus, exponent: exponent)
    }

    /// Validates RSA parameters. The SSH blob is always re-encoded canonically, because age tags the
    /// stanza with a hash of the blob it re-marshals from the identity, not of the text we were given.
    private static func rsa(modulus: [UInt8], exponent: [UInt8]) throws -> Key {
        // Both parsers return magnitudes without leading zeros and never empty.
        let bits = modulus.count * 8 - modulus[0].leadingZeroBitCount
        guard bits >= 2048 else { throw SealingError.rsaKeyTooSmall(bits: bits) }
        // 16384 bits bounds the cost of the modular exponentiation; no real key is larger.
        guard bits <= 16384 else {
            throw SealingError.malformedRecipient(kind: "RSA", reason: "modulus of \(bits) bits exceeds 16384")
        }
        guard modulus.last! & 1 == 1, exponent.count <= 4, exponent.last! & 1 == 1, exponent != [1] else {
            throw SealingError.malformedRecipient(kind: "RSA", reason: "the modulus or public exponent is not a valid RSA value")
        }
        var wireKey = SSHWireWriter()
        wireKey.writeString("ssh-rsa")
        wireKey.writePositiveMPInt(exponent)
        wireKey.writePositiveMPInt(modulus)
        return .sshRSA(wireKey: wireKey.bytes, modulus: modulus, exponent: exponent)
    }
}
