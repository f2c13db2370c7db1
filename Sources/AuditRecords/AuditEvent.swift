import Foundation

/// What happened, as a caller hands it to the audit log: the log numbers it and chains it into an ``AuditRecord``.
public struct AuditEvent: Sendable, Hashable {
    public var time: Date
    /// Who: `user:alice`, `robot:payments-ci`, `anonymous`, `admin` (the bootstrap administrator), `reconciler`,
    /// `berth` (the server itself: garbage collection, retention, rescans), or the name a failed login tried.
    public var actor: String
    /// The client's IP address, when there is a client.
    public var address: String?
    public var action: AuditAction
    public var outcome: AuditOutcome
    /// The repository acted on, when there is one: what webhooks' and exports' repository filters match.
    public var repository: String?
    /// What in it, or what else: a tag, a digest, a robot's name, a commit.
    public var object: String?
    /// Everything else, as strings: `digest`, `size`, `reason`, `commit`, `plan`… Never a secret.
    public var details: [String: String]

    public init(time: Date = Date(), actor: String, address: String? = nil, action: AuditAction, outcome: AuditOutcome = .success,
                repository: String? = nil, object: String? = nil, details: [String: String] = [:]) {
        self.time = time
        self.actor = actor
        self.address = address
        self.action = action
        self.outcome = outcome
        self.repository = repository
        self.object = object
        self.details = details
    }
}
