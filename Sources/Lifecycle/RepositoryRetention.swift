import Foundation

/// What one retention run deletes (or would delete) in one repository, and under which rules.
public struct RepositoryRetention: Sendable, Hashable, Codable {
    public var repository: String
    /// The rules, as a plan prints them: `keepLast 20, keepPushedWithin 30d`.
    public var rules: String
    public var deletions: [RetentionDeletion]

    public init(repository: String, rules: String, deletions: [RetentionDeletion]) {
        self.repository = repository
        self.rules = rules
        self.deletions = deletions
    }
}

/// One retention run: when, whether it deleted or only planned, and what, per repository.
public struct RetentionReport: Sendable, Hashable, Codable {
    public var startedAt: Date
    public var finishedAt: Date
    /// False for `berth retention plan`: nothing was deleted.
    public var applied: Bool
    public var repositories: [RepositoryRetention]

    public init(startedAt: Date, finishedAt: Date, applied: Bool, repositories: [RepositoryRetention]) {
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.applied = applied
        self.repositories = repositories
    }

    public var deletedTags: Int { repositories.reduce(0) { $0 + $1.deletions.filter(\.isTag).count } }
    public var deletedManifests: Int { repositories.reduce(0) { $0 + $1.deletions.filter { !$0.isTag }.count } }
}

/// A run in a few numbers, what the server keeps of its recent runs (a run's full report can hold every tag of a
/// registry).
public struct RetentionRunSummary: Sendable, Hashable, Codable {
    public var startedAt: Date
    public var finishedAt: Date
    public var repositories: Int
    public var deletedTags: Int
    public var deletedManifests: Int

    public init(_ report: RetentionReport) {
        startedAt = report.startedAt
        finishedAt = report.finishedAt
        repositories = report.repositories.count
        deletedTags = report.deletedTags
        deletedManifests = report.deletedManifests
    }
}

extension RetentionDeletion {
    public var isTag: Bool {
        if case .tag = target { true } else { false }
    }
}
