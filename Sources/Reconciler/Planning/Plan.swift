import Declarations
import Foundation

/// Where the desired state of a plan came from. Every field is optional.
public struct PlanSource: Sendable, Hashable, Codable {
    /// The git commit the declarations were read from.
    public var commit: String?
    /// Its author, as git shows it (`Alice <alice@example.com>`).
    public var author: String?
    /// The ref that was resolved (`refs/heads/main`).
    public var ref: String?
    /// The folder the declarations were read from, when not from git.
    public var path: String?

    public init(commit: String? = nil, author: String? = nil, ref: String? = nil, path: String? = nil) {
        self.commit = commit
        self.author = author
        self.ref = ref
        self.path = path
    }
}

/// Counts of a plan's changes.
public struct PlanSummary: Sendable, Hashable, Codable {
    public var create: Int
    public var update: Int
    public var delete: Int
    /// Changes marked destructive (any action).
    public var destructive: Int

    public init(create: Int = 0, update: Int = 0, delete: Int = 0, destructive: Int = 0) {
        self.create = create
        self.update = update
        self.delete = delete
        self.destructive = destructive
    }

    public init(_ changes: [Change]) {
        self.init()
        for change in changes {
            switch change.action {
            case .create: create += 1
            case .update: update += 1
            case .delete: delete += 1
            }
            if change.destructive { destructive += 1 }
        }
    }

    public var total: Int { create + update + delete }
}

/// What apply would do to bring the registry to the declared state: data,
/// saved and shown before it is applied (`berth plan --out`, then
/// `berth apply plan.json`).
///
/// A plan records the fingerprint of the live state it was computed against;
/// apply refuses a saved plan when the registry's fingerprint has changed
/// since (``isCurrent(liveFingerprint:)``). The format is specified in
/// `spec/plan.md` and `spec/plan.schema.json`.
public struct Plan: Sendable, Hashable {
    /// The only version this code writes and reads.
    public static let formatVersion = 1

    public var formatVersion: Int
    public var createdAt: Date
    public var source: PlanSource
    /// Fingerprint of the live state the plan was computed against.
    public var liveFingerprint: String
    /// Fingerprint of the declared state it leads to.
    public var desiredFingerprint: String
    /// In apply order.
    public var changes: [Change]
    public var summary: PlanSummary
    /// What the changes would do to stored images (quarantine, release), as the registry computed it when the plan was
    /// made. Empty when nothing changes, or when the plan was made without a registry's data.
    public var consequences: [ImageConsequence] = []
    /// Repositories whose usage is already above the quota the changes give them, as the registry measured it.
    public var quotaWarnings: [QuotaWarning] = []
    /// What retention changes do at the next run: tags newly deleted or newly kept, per repository.
    public var retention: [RetentionConsequence] = []
    /// VulnerabilityExceptions the plan adds or changes that name a vulnerability the registry's database does not know.
    public var unmatchedExceptions: [UnmatchedException] = []
    /// Exceptions that lapse within 14 days of the plan, whether or not the plan changes them.
    public var expiringExceptions: [ExpiringException] = []

    public init(createdAt: Date, source: PlanSource, liveFingerprint: String, desiredFingerprint: String,
                changes: [Change]) {
        self.formatVersion = Plan.formatVersion
        self.createdAt = createdAt
        self.source = source
        self.liveFingerprint = liveFingerprint
        self.desiredFingerprint = desiredFingerprint
        self.changes = changes
        self.summary = PlanSummary(changes)
    }

    /// No change: the registry matches the declarations.
    public var isEmpty: Bool { changes.isEmpty }

    public var hasDestructiveChanges: Bool { changes.contains { $0.destructive } }

    public var destructiveChanges: [Change] { changes.filter(\.destructive) }

    /// True when the registry is still in the state the plan was computed
    /// against; apply refuses the plan otherwise.
    public func isCurrent(liveFingerprint current: String) -> Bool { current == liveFingerprint }
}
