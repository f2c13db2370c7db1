import Declarations

/// What a plan would do to images already stored, beyond the objects it changes: which become quarantined and which
/// are released, per repository. Computed by the registry (it needs the stored signatures), shown before apply.
public struct ImageConsequence: Sendable, Hashable, Codable {
    public enum Effect: String, Sendable, Hashable, Codable {
        /// Released now, quarantined after the apply: pulls by consumers start failing.
        case quarantine
        /// Quarantined now, released after the apply.
        case release
    }

    public var repository: String
    public var effect: Effect
    /// How many images change.
    public var count: Int
    /// The first few of them (at most ``ImageConsequence/shownDigests``), sorted.
    public var digests: [String]
    /// Why, in one sentence: the requirement after the apply, or what happened to the signatures.
    public var reason: String

    public static let shownDigests = 5

    public init(repository: String, effect: Effect, count: Int, digests: [String], reason: String) {
        self.repository = repository
        self.effect = effect
        self.count = count
        self.digests = digests
        self.reason = reason
    }
}

/// A repository whose usage is already above the quota a plan gives it: pushes that add blobs will be refused until
/// its usage drops.
public struct QuotaWarning: Sendable, Hashable, Codable {
    public var repository: String
    public var usedBytes: Int64
    public var quotaBytes: Int64
    /// The quota as declared (`1GiB`), and where: `tier internal`, `repository payments/*`.
    public var quota: String
    public var source: String

    public init(repository: String, usedBytes: Int64, quotaBytes: Int64, quota: String, source: String) {
        self.repository = repository
        self.usedBytes = usedBytes
        self.quotaBytes = quotaBytes
        self.quota = quota
        self.source = source
    }
}

/// What a change set would do to what the registry stores.
public struct PlanConsequences: Sendable, Hashable, Codable {
    public var images: [ImageConsequence]
    public var quotas: [QuotaWarning]

    public init(images: [ImageConsequence] = [], quotas: [QuotaWarning] = []) {
        self.images = images
        self.quotas = quotas
    }

    public static let none = PlanConsequences()
}

/// Asks the registry's own policy code what a configuration would do to what it stores.
public protocol ConsequencePreview: Sendable {
    func consequences(from current: DesiredState, to proposed: DesiredState) async throws -> PlanConsequences
}
