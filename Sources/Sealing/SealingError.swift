/// Why a recipient could not be used or a secret could not be sealed.
///
/// Messages describe the recipient's *kind* and the problem; they never carry the plaintext,
/// and echo at most a short, public fragment of the recipient text (e.g. its key type).
public enum SealingError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The recipient is a well-formed key of a kind age cannot seal to (EC, DSA, a private key, …).
    case unsupportedRecipient(String)
    /// The recipient claims a supported kind but its encoding is broken.
    case malformedRecipient(kind: String, reason: String)
    /// An RSA recipient whose modulus is below the 2048-bit floor.
    case rsaKeyTooSmall(bits: Int)
    /// A cryptographic primitive refused its input (e.g. a low-order X25519 point).
    case sealingFailed(String)

    static let supportedKinds =
        "supported recipients are an age X25519 recipient (age1…), an OpenSSH 'ssh-ed25519' or 'ssh-rsa' public key line, "
        + "or a PEM RSA public key (BEGIN PUBLIC KEY / BEGIN RSA PUBLIC KEY), RSA keys of at least 2048 bits"

    public var description: String {
        switch self {
        case .unsupportedRecipient(let what):
            return "unsupported recipient: \(what); \(Self.supportedKinds)"
        case .malformedRecipient(let kind, let reason):
            return "malformed \(kind) recipient: \(reason)"
        case .rsaKeyTooSmall(let bits):
            return "RSA recipient key has \(bits) bits; at least 2048 bits are required"
        case .sealingFailed(let reason):
            return "sealing failed: \(reason)"
        }
    }
}
