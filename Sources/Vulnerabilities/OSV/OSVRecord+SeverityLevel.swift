extension OSVRecord {
    /// The highest severity level the record states, from any of: CVSS v3 vectors (scored from the vector, not taken
    /// on trust from a database's label), Ubuntu priorities, `database_specific.severity` and the affected packages'
    /// `ecosystem_specific` severity or urgency. nil when it states none this model can read; CVSS v2 and v4 vectors
    /// are not scored.
    public var severityLevel: SeverityLevel? {
        let severities = severity + affected.flatMap(\.severity)
        let words = [databaseSeverity] + affected.map(\.ecosystemSeverity)
        let levels = severities.compactMap(Self.level(of:)) + words.compactMap { $0.flatMap(SeverityLevel.init(word:)) }
        return levels.max()
    }

    private static func level(of severity: Severity) -> SeverityLevel? {
        switch severity.type {
        case "CVSS_V3": CVSS3Vector(severity.score)?.level
        case "Ubuntu": SeverityLevel(word: severity.score)
        default: nil
        }
    }
}
