import Foundation

/// An accepted secret finding: a rule allowed to match in some repositories (and optionally some paths) until a date.
public struct SecretException: Sendable, Hashable {
    public var metadata: ObjectMetadata
    public var source: SourceLocation
    /// A built-in rule id (``BuiltInSecretRules``) or a declared SecretRule's name.
    public var rule: String
    public var repositories: [RepositoryPattern]
    /// Path globs (``PathGlob``) inside a layer; nil covers every path.
    public var paths: [String]?
    /// Valid through this date (UTC); expired from the next day on.
    public var expires: CalendarDate
    public var reason: String
    public var owner: String?

    public var name: String { metadata.name }

    /// When an exception expiring on `date` stops accepting findings: the end of that day (UTC).
    public static func lapse(of date: CalendarDate) -> Date { date.endOfDayUTC }

    public init(metadata: ObjectMetadata, source: SourceLocation, rule: String, repositories: [RepositoryPattern],
                paths: [String]?, expires: CalendarDate, reason: String, owner: String?) {
        self.metadata = metadata
        self.source = source
        self.rule = rule
        self.repositories = repositories
        self.paths = paths
        self.expires = expires
        self.reason = reason
        self.owner = owner
    }

    /// Whether this exception accepts a finding of `rule` in the file at `path` (inside a layer) of the concrete
    /// repository `repository`, at `date`: through the whole of the `expires` day (UTC).
    public func covers(rule: String, path: String, in repository: String, on date: Date) -> Bool {
        repositories.contains { $0.matches(repository) } && covers(rule: rule, path: path, on: date)
    }

    /// ``covers(rule:path:in:on:)`` for a caller that already kept only the exceptions whose repositories match.
    public func covers(rule: String, path: String, on date: Date) -> Bool {
        guard rule == self.rule, date < Self.lapse(of: expires) else { return false }
        guard let paths else { return true }
        return paths.contains { PathGlob.matches($0, path: path) }
    }
}
