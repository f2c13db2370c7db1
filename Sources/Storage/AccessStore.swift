import Foundation

/// A robot account's current token, as Berth keeps it: only a digest of the token, and the token sealed to
/// the robot's declared consumer, which only that consumer's private key opens.
public struct RobotCredential: Sendable, Hashable, Codable {
    public var robot: String
    /// `sha256:<hex>` of the token.
    public var digest: String
    public var issuedAt: Date
    public var expiresAt: Date
    /// The recipient key the token is sealed to; a changed `deliverTo` mints a new token.
    public var recipient: String
    /// The sealed token (an ASCII-armored age file).
    public var sealed: String
    /// The token this one replaced stays valid until then, so consumers can pick up the new one.
    public var previousDigest: String?
    public var previousValidUntil: Date?

    public init(robot: String, digest: String, issuedAt: Date, expiresAt: Date, recipient: String, sealed: String,
                previousDigest: String? = nil, previousValidUntil: Date? = nil) {
        self.robot = robot
        self.digest = digest
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.recipient = recipient
        self.sealed = sealed
        self.previousDigest = previousDigest
        self.previousValidUntil = previousValidUntil
    }
}

/// Identity state that is not configuration: robot credentials. (Security events are audit records: see AuditStore.)
public protocol AccessStore: Sendable {
    func robotCredentials() async throws -> [RobotCredential]
    /// Replaces the credentials of the robots given and removes those of robots not in `keeping`, atomically.
    func updateRobotCredentials(_ credentials: [RobotCredential], keeping: Set<String>) async throws
}
