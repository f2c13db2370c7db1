import Foundation

/// The JSON body of a successful token request.
///
/// Both `token` and `access_token` carry the same value: Docker reads `token`, OAuth-style
/// clients (and some podman/skopeo versions) read `access_token`, and the spec allows both.
public struct TokenResponse: Encodable, Sendable {
    public var token: String
    public var expiresIn: Int
    public var issuedAt: Date

    public init(token: String, expiresIn: Int, issuedAt: Date) {
        self.token = token
        self.expiresIn = expiresIn
        self.issuedAt = issuedAt
    }

    public init(issued: (token: String, expiresIn: Int, issuedAt: Date)) {
        self.init(token: issued.token, expiresIn: issued.expiresIn, issuedAt: issued.issuedAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(token, forKey: .token)
        try container.encode(token, forKey: .accessToken)
        try container.encode(expiresIn, forKey: .expiresIn)
        try container.encode(Self.rfc3339(issuedAt), forKey: .issuedAt)
    }

    /// RFC 3339 in UTC with whole seconds (`2009-11-10T23:00:00Z`), independent of the
    /// encoder's date strategy.
    static func rfc3339(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ",
            Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    private enum CodingKeys: String, CodingKey {
        case token
        case accessToken = "access_token"
        case expiresIn = "expires_in"
        case issuedAt = "issued_at"
    }
}

/// Not a secret store, but the token is a credential for its lifetime: keep it out of logs.
extension TokenResponse: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "TokenResponse(token: <redacted>, expiresIn: \(expiresIn))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["token": "<redacted>", "expiresIn": expiresIn]) }
}
