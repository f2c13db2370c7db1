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

/// An authentication or authorization failure: who, what, from where, and why.
public struct SecurityEvent: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Bad password, unknown identity, invalid or expired token.
        case authenticationFailed = "authentication-failed"
        /// Authenticated (or anonymous), but not allowed.
        case accessDenied = "access-denied"
        /// Too many failed logins: refused without checking the credentials.
        case throttled
        /// A read of a quarantined manifest by someone who may only pull it: refused.
        case quarantineRefused = "quarantine-refused"
        /// A read of a quarantined manifest by a producer (who holds push), or of a pull-blocked one by an admin, served so it
        /// can be signed or inspected.
        case quarantineRead = "quarantine-read"
        /// A signature that was found for an image and did not verify, with why.
        case signatureRejected = "signature-rejected"
        /// Secrets found in a pushed image's layers (redacted), whether the push was refused or only warned about.
        case secretsFound = "secrets-found"
        /// Vulnerabilities at or above a tier's threshold found in a pushed image, whether the push was refused or only warned about.
        case vulnerabilitiesFound = "vulnerabilities-found"
        /// A rescan (a database import, an exception, `rescanEvery`) blocked a stored image, or released one.
        case vulnerabilityVerdictChanged = "vulnerability-verdict-changed"
    }

    public var time: Date
    public var kind: Kind
    /// The identity presented or authenticated (`user:alice`, `robot:ci`, `anonymous`, or the login name tried).
    public var subject: String
    public var address: String
    /// What was attempted, e.g. `push payments/api`, `login`, `GET /admin/v1/state`.
    public var action: String
    public var reason: String

    public init(time: Date = Date(), kind: Kind, subject: String, address: String, action: String, reason: String) {
        self.time = time
        self.kind = kind
        self.subject = subject
        self.address = address
        self.action = action
        self.reason = reason
    }
}

/// Identity state that is not configuration: robot credentials and the record of security events.
public protocol AccessStore: Sendable {
    func robotCredentials() async throws -> [RobotCredential]
    /// Replaces the credentials of the robots given and removes those of robots not in `keeping`, atomically.
    func updateRobotCredentials(_ credentials: [RobotCredential], keeping: Set<String>) async throws
    func record(_ events: [SecurityEvent]) async throws
    /// Most recent first.
    func securityEvents(limit: Int) async throws -> [SecurityEvent]
}
