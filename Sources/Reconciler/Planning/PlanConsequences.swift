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

/// What a retention change does at the next run in one repository: the tags it newly deletes, and those it newly keeps.
public struct RetentionConsequence: Sendable, Hashable, Codable {
    public var repository: String
    /// Tags the next run deletes under the new rules and would not have under the old.
    public var deletedTags: Int
    /// Tags the old rules would have deleted and the new ones keep.
    public var keptTags: Int
    /// The first few newly deleted tags (at most ``RetentionConsequence/shownTags``), sorted.
    public var tags: [String]
    /// The rules before and after: `keepLast 50 → keepLast 20`.
    public var change: String

    public static let shownTags = 10

    public init(repository: String, deletedTags: Int, keptTags: Int, tags: [String], change: String) {
        self.repository = repository
        self.deletedTags = deletedTags
        self.keptTags = keptTags
        self.tags = tags
        self.change = change
    }
}

/// What a change set would do to what the registry stores.
public struct PlanConsequences: Sendable, Hashable, Codable {
    public var images: [ImageConsequence]
    public var quotas: [QuotaWarning]
    public var retention: [RetentionConsequence]
    public var unmatchedExceptions: [UnmatchedException]

    public init(images: [ImageConsequence] = [], quotas: [QuotaWarning] = [], retention: [RetentionConsequence] = [],
                unmatchedExceptions: [UnmatchedException] = []) {
        self.images = images
        self.quotas = quotas
        self.retention = retention
        self.unmatchedExceptions = unmatchedExceptions
    }

    public static let none = PlanConsequences()
}

/// A VulnerabilityException the plan adds or changes whose vulnerability no advisory of the registry's database names
/// (by id, alias or upstream CVE): it would suppress nothing, most likely a typo or a CVE the database calls otherwise.
public struct UnmatchedException: Sendable, Hashable, Codable {
    public var name: String
    public var vulnerability: String
    /// The database version it was looked up in.
    public var databaseVersion: Int

    public init(name: String, vulnerability: String, databaseVersion: Int) {
        self.name = name
        self.vulnerability = vulnerability
        self.databaseVersion = databaseVersion
    }

    /// `VulnerabilityException x names CVE-2099-1, which no advisory of the vulnerability database (version 3) lists: it suppresses nothing`
    public var sentence: String {
        "VulnerabilityException \(name) names \(vulnerability), which no advisory of the vulnerability database (version \(databaseVersion)) lists: it suppresses nothing"
    }
}

/// Asks the registry's own policy code what a configuration would do to what it stores.
public protocol ConsequencePreview: Sendable {
    func consequences(from current: DesiredState, to proposed: DesiredState) async throws -> PlanConsequences
}
