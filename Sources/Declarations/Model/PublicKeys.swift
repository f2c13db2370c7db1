import Foundation

/// One PEM block: the label between `-----BEGIN ` and the dashes, and its base64 body decoded. The framing and base64
/// are checked and the body must be DER (an ASN.1 SEQUENCE); what the DER means is left to the modules that use it.
struct PEMBlock {
    let label: String
    let der: Data
    let pem: String

    /// `expecting` names what belongs here, for the first line's error: `PUBLIC KEY`, `CERTIFICATE`.
    static func parse(_ text: String, expecting: String, mistakenLabel: (String) -> String?,
                      acceptedLabels: Set<String>) -> Result<PEMBlock, PatternError> {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let lines = trimmed.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = lines.first, first.hasPrefix("-----BEGIN "), first.hasSuffix("-----"), first.count > 16 else {
            return .failure(.init(reason: "it does not start with a '-----BEGIN \(expecting)-----' line"))
        }
        let label = String(first.dropFirst(11).dropLast(5))
        if label.contains("PRIVATE") {
            return .failure(.init(reason: "it is a \(label); private keys never go in git, put the matching public key here"))
        }
        if let mistake = mistakenLabel(label) { return .failure(.init(reason: mistake)) }
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
        return .success(PEMBlock(label: label, der: der, pem: trimmed))
    }
}

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
        PEMBlock.parse(text, expecting: "PUBLIC KEY", mistakenLabel: { label in
            label == "CERTIFICATE" ? "it is a CERTIFICATE; put the public key here (openssl x509 -pubkey -noout), or the CA certificate under certificates" : nil
        }, acceptedLabels: acceptedLabels).map { PEMPublicKey(label: $0.label, der: $0.der, pem: $0.pem) }
    }
}

/// A PEM-framed X.509 certificate (`-----BEGIN CERTIFICATE-----`): a Signer's CA, which notation signatures chain to.
/// Framing and DER are checked here; what the certificate says is checked by the injected signing check.
public struct PEMCertificate: Sendable, Hashable, CustomStringConvertible {
    public let der: Data
    /// The PEM text, trimmed.
    public let pem: String

    public var description: String { "CERTIFICATE (\(der.count) bytes)" }

    public static func parse(_ text: String) -> Result<PEMCertificate, PatternError> {
        PEMBlock.parse(text, expecting: "CERTIFICATE", mistakenLabel: { label in
            PEMPublicKey.acceptedLabels.contains(label) ? "it is a \(label); public keys go under publicKeys, CA certificates here" : nil
        }, acceptedLabels: ["CERTIFICATE"]).map { PEMCertificate(der: $0.der, pem: $0.pem) }
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

    /// Accepts the keys `check` finds a robot's token can be sealed to; the commonest mistakes get their own
    /// message first.
    public static func parse(_ text: String, check: KeyChecks = .structural) -> Result<RecipientKey, PatternError> {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        func sealable(_ key: RecipientKey, unless reason: (String) -> String) -> Result<RecipientKey, PatternError> {
            guard let problem = check.recipient(key) else { return .success(key) }
            return .failure(.init(reason: reason(problem)))
        }
        let cannotSeal = { (problem: String) in "tokens cannot be sealed to it: \(problem)" }
        if trimmed.hasPrefix("-----BEGIN") {
            return PEMPublicKey.parse(trimmed).flatMap { key in
                // Tokens are sealed in the age format, which has no recipient type for elliptic-curve keys.
                if key.label == "EC PUBLIC KEY" || key.der.firstRange(of: ecPublicKeyOID) != nil {
                    return .failure(.init(reason: "it is an elliptic-curve key, which tokens cannot be sealed to; use an age recipient (age1…), an ssh-ed25519 or ssh-rsa key, or an RSA public key"))
                }
                return sealable(.pem(key), unless: cannotSeal)
            }
        }
        if trimmed.hasPrefix("AGE-SECRET-KEY-") {
            return .failure(.init(reason: "it is an age SECRET key; secret keys never go in git, put its public recipient (age1…) here"))
        }
        if trimmed.hasPrefix("age1") {
            return sealable(.age(trimmed), unless: { "it is not a valid age recipient: \($0)" })
        }
        if trimmed.hasPrefix("ssh-ed25519 ") || trimmed.hasPrefix("ssh-rsa ") {
            let fields = trimmed.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2 else { return .failure(.init(reason: "its key after '\(fields[0])' is missing")) }
            return sealable(.ssh(type: String(fields[0]), key: String(fields[1])), unless: cannotSeal)
        }
        if trimmed.contains("PRIVATE KEY") {
            return .failure(.init(reason: "it looks like a private key; private keys never go in git"))
        }
        return .failure(.init(reason: "it is not \(expectation)"))
    }
}

