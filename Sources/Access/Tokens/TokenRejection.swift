/// Why a bearer token was refused. The message is safe to return to the client and to log:
/// it never contains the token or any of its claims.
public enum TokenRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a compact JWS, undecodable header or claims, missing claims, or an unsupported header.
    case malformed
    /// Not signed by this registry's key: wrong key, altered content, or an algorithm other
    /// than ES256 (including `none` and HMAC forgeries).
    case badSignature
    case expired
    case notYetValid
    case wrongIssuer
    case wrongAudience

    public var message: String {
        switch self {
        case .malformed: "the bearer token is malformed"
        case .badSignature: "the bearer token is not signed by this registry"
        case .expired: "the bearer token has expired"
        case .notYetValid: "the bearer token is not valid yet"
        case .wrongIssuer: "the bearer token was issued by another authority"
        case .wrongAudience: "the bearer token is for another service"
        }
    }

    public var description: String { message }
}
