import X509

/// One declared Signer's trust material, parsed once per configuration.
public struct TrustedSigner: Sendable {
    public let name: String
    let keys: [SigningKey]
    /// The CA certificates notation chains must lead to.
    let certificateAuthorities: [Certificate]

    /// `publicKeys`: DER SubjectPublicKeyInfo. `certificates`: DER X.509 CA certificates (trust anchors for notation).
    /// Throws a SignerKeyError naming the index and the problem: unsupported key type (which OID or curve), RSA under
    /// 2048 bits, undecodable key, a certificate that is not a CA or cannot be parsed.
    public init(name: String, publicKeys: [[UInt8]], certificates: [[UInt8]]) throws(SignerKeyError) {
        self.name = name
        var keys: [SigningKey] = []
        for (index, der) in publicKeys.enumerated() {
            do {
                keys.append(try SigningKey(spki: der))
            } catch {
                throw SignerKeyError(field: .publicKeys, index: index, reason: error.reason)
            }
        }
        self.keys = keys
        var authorities: [Certificate] = []
        for (index, der) in certificates.enumerated() {
            let certificate: Certificate
            do {
                certificate = try Certificate(derEncoded: der)
            } catch {
                throw SignerKeyError(field: .certificates, index: index, reason: "not a DER X.509 certificate: \(error)")
            }
            guard case .isCertificateAuthority = try? certificate.extensions.basicConstraints else {
                throw SignerKeyError(field: .certificates, index: index,
                                     reason: "\(certificate.subject) is not a CA certificate (it has no basicConstraints CA:TRUE)")
            }
            authorities.append(certificate)
        }
        self.certificateAuthorities = authorities
    }

    /// The fingerprints of its keys, in declaration order.
    public var keyFingerprints: [String] { keys.map(\.fingerprint) }
}
