/// The `WWW-Authenticate` value sent with a 401 that asks the client to fetch a token:
/// `Bearer realm="…",service="…",scope="…"` (RFC 6750 §3, as the registry token spec uses it).
public struct BearerChallenge: Sendable, Hashable, CustomStringConvertible {
    public enum ErrorCode: String, Sendable, Hashable {
        /// The token was valid but does not grant what the request needs.
        case insufficientScope = "insufficient_scope"
        /// The token was expired, forged or otherwise unusable.
        case invalidToken = "invalid_token"
    }

    /// The token endpoint's absolute URL.
    public var realm: String
    /// Our audience name; the client sends it back as `service=`.
    public var service: String
    /// What the request needs; all go in one `scope` parameter, separated by spaces.
    public var scopes: [Scope]
    public var error: ErrorCode?

    public init(realm: String, service: String, scopes: [Scope] = [], error: ErrorCode? = nil) {
        self.realm = realm
        self.service = service
        self.scopes = scopes
        self.error = error
    }

    public var headerValue: String {
        var parameters = [
            "realm=\(quotedString(realm))",
            "service=\(quotedString(service))",
        ]
        if !scopes.isEmpty {
            parameters.append("scope=\(quotedString(scopes.map(\.description).joined(separator: " ")))")
        }
        if let error {
            parameters.append("error=\(quotedString(error.rawValue))")
        }
        return "Bearer " + parameters.joined(separator: ",")
    }

    public var description: String { headerValue }
}

/// `WWW-Authenticate: Basic realm="…"`, for endpoints that take a password directly
/// (the token endpoint itself, and registries configured without tokens).
public struct BasicChallenge: Sendable, Hashable, CustomStringConvertible {
    public var realm: String

    public init(realm: String) {
        self.realm = realm
    }

    public var headerValue: String { "Basic realm=\(quotedString(realm))" }

    public var description: String { headerValue }
}

/// An RFC 9110 quoted-string: `"` and `\` are backslash-escaped, and control characters
/// (CR and LF above all, which would split the header) are dropped; they have no legitimate
/// place in a realm, service or scope.
func quotedString(_ value: String) -> String {
    var result = "\""
    for scalar in value.unicodeScalars {
        switch scalar {
        case "\"", "\\":
            result.append("\\")
            result.unicodeScalars.append(scalar)
        case _ where scalar.value < 0x20 || scalar.value == 0x7F:
            continue
        default:
            result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}
