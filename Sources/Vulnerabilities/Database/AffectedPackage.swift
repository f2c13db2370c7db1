/// One package an advisory affects, and which of its versions: an OSV `affected` entry that names a package.
public struct AffectedPackage: Sendable, Hashable, Codable {
    /// As the record writes it, release included: "Debian:12", "Alpine:v3.18", "PyPI".
    public var ecosystem: String
    /// As the record writes it; matching normalises PyPI names (see `PackageKey`).
    public var name: String
    /// ECOSYSTEM and SEMVER ranges, and ranges of a type this model does not know (which make a verdict undetermined
    /// rather than clean). GIT ranges are dropped: matching cannot order commits.
    public var ranges: [OSVRecord.Range]
    /// Affected versions listed one by one.
    public var versions: [String]
    /// What the entry states for this package alone (`AdvisorySeverity(affected:)`).
    public var severity: AdvisorySeverity?

    public init(
        ecosystem: String, name: String, ranges: [OSVRecord.Range] = [], versions: [String] = [],
        severity: AdvisorySeverity? = nil
    ) {
        self.ecosystem = ecosystem
        self.name = name
        self.ranges = ranges
        self.versions = versions
        self.severity = severity
    }

    /// nil for an entry without a package: it names only a source repository, through GIT ranges.
    public init?(_ entry: OSVRecord.Affected) {
        guard let package = entry.package else { return nil }
        self.init(
            ecosystem: package.ecosystem, name: package.name, ranges: entry.ranges.filter { $0.type != .git },
            versions: entry.versions, severity: AdvisorySeverity(affected: entry))
    }
}
