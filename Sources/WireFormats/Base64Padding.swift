/// Whether base64 text ends in the `=` characters that pad it to a multiple of four.
public enum Base64Padding: Sendable {
    /// Exactly the padding RFC 4648 §3.2 asks for, as SSH keys and signatures carry.
    case required
    /// No `=` at all, as JWS (RFC 7515 §2) and age headers write.
    case forbidden
    /// Either exactly the padding RFC 4648 asks for, or none: HTTP Basic credentials, which some clients send unpadded.
    case optional
}
