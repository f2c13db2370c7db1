import Foundation

/// The verified contents of a registry bearer token.
public struct RegistryToken: Sendable, Hashable {
    /// The authenticated user or robot; empty for an anonymous client.
    public var subject: String
    public var audience: String
    public var issuer: String
    public var issuedAt: Date
    public var notBefore: Date
    public var expiresAt: Date
    /// `jti`: random per token, for audit logs (and replay detection, if ever wanted).
    public var id: String
    public var access: [AccessClaim]

    public init(
        subject: String, audience: String, issuer: String,
        issuedAt: Date, notBefore: Date, expiresAt: Date, id: String, access: [AccessClaim]
    ) {
        self.subject = subject
        self.audience = audience
        self.issuer = issuer
        self.issuedAt = issuedAt
        self.notBefore = notBefore
        self.expiresAt = expiresAt
        self.id = id
        self.access = access
    }
}
