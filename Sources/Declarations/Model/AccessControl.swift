import Foundation

/// What a role allows on the repositories it is bound to.
public enum Permission: String, Sendable, Hashable, CaseIterable, Comparable {
    case pull, push, delete, admin

    public static func < (lhs: Permission, rhs: Permission) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A named set of permissions.
public struct Role: Sendable, Hashable {
    public var metadata: ObjectMetadata
    public var source: SourceLocation
    public var description: String?
    /// Sorted, without duplicates.
    public var permissions: [Permission]

    public var name: String { metadata.name }
}

/// Who a binding grants a role to.
public enum Subject: Sendable, Hashable, Comparable, CustomStringConvertible {
    case user(String)
    case team(String)
    case robot(String)

    public var description: String {
        switch self {
        case .user(let name): return "user '\(name)'"
        case .team(let name): return "team '\(name)'"
        case .robot(let name): return "robot '\(name)'"
        }
    }
}

/// Grants a role on some repositories to some subjects.
public struct RoleBinding: Sendable, Hashable {
    public var metadata: ObjectMetadata
    public var source: SourceLocation
    public var role: String
    public var repositories: [RepositoryPattern]
    public var subjects: [Subject]

    public var name: String { metadata.name }
}

/// A person who logs in with a password whose hash is declared here.
public struct User: Sendable, Hashable {
    public var metadata: ObjectMetadata
    public var source: SourceLocation
    public var passwordHash: PasswordHash
    public var email: String?

    public var name: String { metadata.name }
}

/// A group of users.
public struct Team: Sendable, Hashable {
    public var metadata: ObjectMetadata
    public var source: SourceLocation
    public var description: String?
    public var members: [String]

    public var name: String { metadata.name }
}

/// A machine account; Berth mints its token, stores it hashed and seals it to
/// `deliverTo`.
public struct RobotAccount: Sendable, Hashable {
    public var metadata: ObjectMetadata
    public var source: SourceLocation
    public var description: String?
    public var expiresIn: TimeSpan
    public var rotateEvery: TimeSpan?
    public var deliverTo: RecipientKey

    public var name: String { metadata.name }
}

/// A key set whose signatures a tier may require: public keys (cosign and Sigstore bundle signatures), CA certificates
/// (notation signatures, whose certificate chain must lead to one of them), or both.
public struct Signer: Sendable, Hashable {
    public var metadata: ObjectMetadata
    public var source: SourceLocation
    public var description: String?
    public var publicKeys: [PEMPublicKey]
    public var certificates: [PEMCertificate]

    public var name: String { metadata.name }
}

/// An accepted risk: a vulnerability allowed in some repositories until a date.
public struct VulnerabilityException: Sendable, Hashable {
    public var metadata: ObjectMetadata
    public var source: SourceLocation
    public var vulnerability: VulnerabilityID
    public var repositories: [RepositoryPattern]
    /// The day it expires on: it stops suppressing at the start of this date (UTC), without a reconcile.
    public var expires: CalendarDate
    public var reason: String
    public var owner: String?

    public var name: String { metadata.name }

    /// When an exception expiring on `date` stops suppressing: the start of that day (UTC), as issue #15 and
    /// spec/vulnerabilities.md define it. (A SecretException lasts through its day.)
    public static func lapse(of date: CalendarDate) -> Date { date.startOfDayUTC }

    /// When this exception stops suppressing.
    public var lapsesAt: Date { Self.lapse(of: expires) }
}
