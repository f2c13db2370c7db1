import Foundation

/// What matching needs of one OSV record, small enough to keep 50,000 in memory and to store as one row each: the
/// record without its details, references and credits, GIT ranges and package-less entries, and with its severity
/// already scored.
public struct Advisory: Sendable, Hashable, Codable {
    public var id: String
    public var aliases: [String]
    /// The CVEs a distribution's advisory is derived from (`OSVRecord.upstream`).
    public var upstream: [String]
    public var summary: String?
    public var modified: Date?
    /// A withdrawn advisory is kept, so that an import replaces the live one, and never matches.
    public var withdrawn: Bool
    /// The record's own, chosen and scored as `AdvisorySeverity(record:)` does; in a `VulnerabilityDatabase`, one
    /// borrowed from an alias when the record states none.
    public var severity: AdvisorySeverity?
    public var affected: [AffectedPackage]

    public init(
        id: String, aliases: [String] = [], upstream: [String] = [], summary: String? = nil, modified: Date? = nil, withdrawn: Bool = false,
        severity: AdvisorySeverity? = nil, affected: [AffectedPackage] = []
    ) {
        self.id = id
        self.aliases = aliases
        self.upstream = upstream
        self.summary = summary
        self.modified = modified
        self.withdrawn = withdrawn
        self.severity = severity
        self.affected = affected
    }

    public init(_ record: OSVRecord) {
        self.init(
            id: record.id, aliases: record.aliases, upstream: record.upstream, summary: record.summary, modified: record.modified,
            withdrawn: record.withdrawn != nil, severity: AdvisorySeverity(record: record),
            affected: record.affected.compactMap(AffectedPackage.init))
    }

    /// Its id, aliases and upstream identifiers: the names an exception or a lookup may use for it.
    public var identifiers: [String] { [id] + aliases + upstream }

    /// Whether `identifier` is this advisory's id, one of its aliases or an upstream vulnerability it derives from.
    public func isNamed(_ identifier: String) -> Bool {
        id == identifier || aliases.contains(identifier) || upstream.contains(identifier)
    }
}
