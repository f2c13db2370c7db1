import Foundation

extension PEMPublicKey {
    /// The key re-framed canonically: `-----BEGIN <label>-----`, the DER body
    /// in base64 lines of 64 characters, `-----END <label>-----`, joined by
    /// `\n`, no trailing newline. Two PEM texts of the same key (different
    /// wrapping, indentation or line endings) have the same canonical text.
    public var canonicalText: String { canonicalPEM(label: label, der: der) }
}

extension PEMCertificate {
    /// The certificate re-framed canonically, as ``PEMPublicKey/canonicalText`` frames keys.
    public var canonicalText: String { canonicalPEM(label: "CERTIFICATE", der: der) }
}

private func canonicalPEM(label: String, der: Data) -> String {
    let body = der.base64EncodedString()
    var lines = ["-----BEGIN \(label)-----"]
    var rest = Substring(body)
    while !rest.isEmpty {
        lines.append(String(rest.prefix(64)))
        rest = rest.dropFirst(64)
    }
    lines.append("-----END \(label)-----")
    return lines.joined(separator: "\n")
}

extension RecipientKey {
    /// The key as one canonical string: a PEM key's ``PEMPublicKey/canonicalText``,
    /// the age recipient, or `ssh-ed25519 <base64>` (an OpenSSH key's comment
    /// is dropped). ``RecipientKey/parse(_:check:)`` reads it back to an equal key.
    public var canonicalText: String {
        switch self {
        case .pem(let key): return key.canonicalText
        case .age(let recipient): return recipient
        case .ssh(let type, let key): return "\(type) \(key)"
        }
    }
}
