import AuditRecords
import Foundation

/// Where audit records are sent as they happen: which actions, optionally only for some repositories, signed with a
/// key the server reads from its own environment or disk (``WebhookSecretRef``), never from git.
///
/// This is the declaration only; delivering records is the server's work.
public struct Webhook: Sendable, Hashable {
    public var metadata: ObjectMetadata
    public var source: SourceLocation
    /// An absolute `http` or `https` URL with a host and no user information (``WebhookURL``).
    public var url: URL
    /// The audit actions sent; at least one.
    public var events: Set<AuditAction>
    /// When present, only records of a repository matching one of these are sent; when absent, every record is,
    /// including records of no repository (a failed login, a configuration apply).
    public var repositories: [RepositoryPattern]?
    public var secretRef: WebhookSecretRef
    /// How long one delivery attempt may take: ``timeoutRange``, ``defaultTimeout`` when not declared.
    public var timeout: TimeSpan

    public var name: String { metadata.name }

    public static let defaultTimeout = TimeSpan(value: 10, unit: .seconds)
    /// Seconds. Long enough for a slow receiver, short enough that one cannot hold deliveries back for minutes.
    public static let timeoutRange: ClosedRange<Int64> = 1...60

    public init(metadata: ObjectMetadata, source: SourceLocation, url: URL, events: Set<AuditAction>,
                repositories: [RepositoryPattern]?, secretRef: WebhookSecretRef, timeout: TimeSpan = defaultTimeout) {
        self.metadata = metadata
        self.source = source
        self.url = url
        self.events = events
        self.repositories = repositories
        self.secretRef = secretRef
        self.timeout = timeout
    }

    /// Whether a record of `action` about the concrete repository `repository` (nil for a record about none) is sent
    /// to this webhook. A repository filter only lets through records of a matching repository: a record of no
    /// repository cannot match it.
    public func matches(action: AuditAction, repository: String?) -> Bool {
        guard events.contains(action) else { return false }
        guard let repositories else { return true }
        guard let repository else { return false }
        return repositories.contains { $0.matches(repository) }
    }
}
