/// The severity Berth reports for an advisory or one of its packages: a level, and where it came from, so that a
/// reader can check it ("CVSS_V3" with the vector and its computed score, or "database_specific" with only a word).
public struct AdvisorySeverity: Sendable, Hashable, Codable {
    public var level: SeverityLevel
    /// The CVSS base score computed from `vector`; nil when the severity is a database's word.
    public var score: Double?
    /// The CVSS vector string the score was computed from.
    public var vector: String?
    /// What stated it: "CVSS_V4", "CVSS_V3", "database_specific", "ecosystem_specific", "Ubuntu", or
    /// "alias <ID>" when it was borrowed from another advisory of the same vulnerability (see `VulnerabilityDatabase`).
    public var source: String

    public init(level: SeverityLevel, score: Double? = nil, vector: String? = nil, source: String) {
        self.level = level
        self.score = score
        self.vector = vector
        self.source = source
    }

    /// The more severe of two: the higher level, then the higher score (a scored severity above a word).
    static func isLessSevere(_ left: AdvisorySeverity, _ right: AdvisorySeverity) -> Bool {
        (left.level, left.score ?? -1) < (right.level, right.score ?? -1)
    }
}
