import Foundation

/// A PEM-framed public key (`-----BEGIN PUBLIC KEY-----` … `-----END PUBLIC KEY-----`).
/// The framing and base64 body are checked and the body must be DER (an
/// ASN.1 SEQUENCE); the key itself is not interpreted here.
public struct PEMPublicKey: Sendable, Hashable, CustomStringConvertible {
    /// The label between `BEGIN ` and the dashes, e.g. `PUBLIC KEY`.
    public let label: String
    /// The decoded DER bytes.
    public let der: Data
    /// The PEM text, trimmed.
    public let pem: String

    public var description: String { "\(label) (\(der.count) bytes)" }

    static let acceptedLabels: Set<String> = ["PUBLIC KEY", "RSA PUBLIC KEY", "EC PUBLIC KEY"]

    /// Parses one PEM block; the error says what is wrong with the framing.
    public static func parse(_ text: String) -> Result<PEMPublicKey, PatternError> {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let lines = trimmed.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = lines.first, first.hasPrefix("-----BEGIN "), first.hasSuffix("-----"), first.count > 16 else {
            return .failure(.init(reason: "it does not start with a '-----BEGIN PUBLIC KEY-----' line"))
        }
        let label = String(first.dropFirst(11).dropLast(5))
        if label.contains("PRIVATE") {
            return .failure(.init(reason: "it is a \(label); private keys never go in git, put the matching public key here"))
        }
        if label == "CERTIFICATE" {
            return .failure(.init(reason: "it is a CERTIFICATE; put the public key here (openssl x509 -pubkey -noout)"))
        }
        guard acceptedLabels.contains(label) else {
            return .failure(.init(reason: "its label '\(label)' is not one of: \(acceptedLabels.sorted().joined(separator: ", "))"))
        }
        guard lines.count >= 3, let last = lines.last, last == "-----END \(label)-----" else {
            return .failure(.init(reason: "it does not end with a '-----END \(label)-----' line"))
        }
        let body = lines[1..<(lines.count - 1)].joined()
        guard !body.isEmpty else { return .failure(.init(reason: "its body is empty")) }
        guard let der = Data(base64Encoded: body), !der.isEmpty else {
            return .failure(.init(reason: "its body is not valid base64"))
        }
        guard der.first == 0x30 else {
            return .failure(.init(reason: "its body is not DER (it should start with an ASN.1 SEQUENCE)"))
        }
        return .success(PEMPublicKey(label: label, der: der, pem: trimmed))
    }
}

/// The public key a robot's credentials are sealed to: a PEM public key, an
/// age X25519 recipient (`age1…`), or an OpenSSH `ssh-ed25519` / `ssh-rsa` key.
public enum RecipientKey: Sendable, Hashable, CustomStringConvertible {
    case pem(PEMPublicKey)
    case age(String)
    case ssh(type: String, key: String)

    public var description: String {
        switch self {
        case .pem(let key): return "PEM \(key.label)"
        case .age(let recipient): return recipient
        case .ssh(let type, _): return type
        }
    }

    /// DER of the OID 1.2.840.10045.2.1 (id-ecPublicKey).
    static let ecPublicKeyOID = Data([0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01])

    static let expectation = "an RSA PEM public key, an age recipient (age1…) or an OpenSSH public key (ssh-ed25519 … or ssh-rsa …)"

    public static func parse(_ text: String) -> Result<RecipientKey, PatternError> {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("-----BEGIN") {
            return PEMPublicKey.parse(trimmed).flatMap { key in
                // Tokens are sealed in the age format, which has no recipient type for elliptic-curve keys.
                if key.label == "EC PUBLIC KEY" || key.der.firstRange(of: ecPublicKeyOID) != nil {
                    return .failure(.init(reason: "it is an elliptic-curve key, which tokens cannot be sealed to; use an age recipient (age1…), an ssh-ed25519 or ssh-rsa key, or an RSA public key"))
                }
                return .success(.pem(key))
            }
        }
        if trimmed.hasPrefix("AGE-SECRET-KEY-") {
            return .failure(.init(reason: "it is an age SECRET key; secret keys never go in git, put its public recipient (age1…) here"))
        }
        if trimmed.hasPrefix("age1") {
            guard Bech32.isValid(trimmed, hrp: "age", dataLength: 52) else {
                return .failure(.init(reason: "it is not a valid age recipient (bech32 'age1' followed by 58 characters with a valid checksum)"))
            }
            return .success(.age(trimmed))
        }
        if trimmed.hasPrefix("ssh-ed25519 ") || trimmed.hasPrefix("ssh-rsa ") {
            let fields = trimmed.split(separator: " ", omittingEmptySubsequences: true)
            let type = String(fields[0])
            guard fields.count >= 2, let blob = Data(base64Encoded: String(fields[1])), blob.count > 4 else {
                return .failure(.init(reason: "its key after '\(type)' is not valid base64"))
            }
            let bytes = [UInt8](blob)
            let length = Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
            guard length == type.utf8.count, bytes.count >= 4 + length,
                  String(decoding: bytes[4..<(4 + length)], as: UTF8.self) == type else {
                return .failure(.init(reason: "its key blob does not encode a '\(type)' key"))
            }
            if type == "ssh-ed25519" && bytes.count != 4 + length + 4 + 32 {
                return .failure(.init(reason: "its ssh-ed25519 key blob has the wrong length"))
            }
            return .success(.ssh(type: type, key: String(fields[1])))
        }
        if trimmed.contains("PRIVATE KEY") {
            return .failure(.init(reason: "it looks like a private key; private keys never go in git"))
        }
        return .failure(.init(reason: "it is not \(expectation)"))
    }
}

/// Bech32 (BIP 173) checksum check, used for age recipients.
enum Bech32 {
    static let charset = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)

    static func polymod(_ values: [UInt8]) -> UInt32 {
        let generator: [UInt32] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3]
        var chk: UInt32 = 1
        for v in values {
            let top = chk >> 25
            chk = (chk & 0x1ff_ffff) << 5 ^ UInt32(v)
            for i in 0..<5 where (top >> UInt32(i)) & 1 == 1 { chk ^= generator[i] }
        }
        return chk
    }

    /// True for a lower-case bech32 string with the given human-readable
    /// part, `dataLength` 5-bit groups of data and a valid checksum.
    static func isValid(_ text: String, hrp: String, dataLength: Int) -> Bool {
        let bytes = Array(text.utf8)
        let prefix = Array(hrp.utf8) + [UInt8(ascii: "1")]
        guard bytes.count == prefix.count + dataLength + 6, Array(bytes.prefix(prefix.count)) == prefix else { return false }
        var values: [UInt8] = []
        for byte in bytes.dropFirst(prefix.count) {
            guard let index = charset.firstIndex(of: byte) else { return false }
            values.append(UInt8(index))
        }
        let hrpBytes = Array(hrp.utf8)
        let expanded = hrpBytes.map { $0 >> 5 } + [0] + hrpBytes.map { $0 & 31 }
        return polymod(expanded + values) == 1
    }
}
