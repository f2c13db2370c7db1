/// A key kind and, for RSA, the padding cosign and DSSE signatures are made with.
struct KeyVariant: Sendable, Hashable, CustomStringConvertible {
    var key: String
    var padding: String? = nil

    var description: String { padding.map { "\(key)-\($0)" } ?? key }

    /// Every kind the cosign forms and sigstore bundles are tested with.
    static let all = [
        KeyVariant(key: "p256"), KeyVariant(key: "p384"), KeyVariant(key: "ed25519"),
        KeyVariant(key: "rsa", padding: "pkcs1"), KeyVariant(key: "rsa", padding: "pss"),
    ]
}
