extension AdvisorySeverity {
    /// An advisory's severity, by the order of preference in spec/vulnerabilities.md, "Severity": the highest CVSS
    /// v4.0 or v3.x base score computed from the record's vectors (its own and its packages'); else the database's
    /// `database_specific.severity` word; else the highest `ecosystem_specific` severity or urgency of its packages;
    /// else an Ubuntu priority. nil when the record states none of these in a form that gives a level.
    public init?(record: OSVRecord) {
        let severities = record.severity + record.affected.flatMap(\.severity)
        let ecosystemWords = record.affected.compactMap { Self(word: $0.ecosystemSeverity, source: "ecosystem_specific") }
        guard
            let chosen = Self.highestCVSS(in: severities)
                ?? Self(word: record.databaseSeverity, source: "database_specific")
                ?? ecosystemWords.max(by: Self.isLessSevere)
                ?? Self.highestUbuntuPriority(in: severities)
        else { return nil }
        self = chosen
    }

    /// What one affected entry states for its package alone, in the same order: its CVSS vectors, its
    /// `ecosystem_specific` word, an Ubuntu priority.
    public init?(affected: OSVRecord.Affected) {
        guard
            let chosen = Self.highestCVSS(in: affected.severity)
                ?? Self(word: affected.ecosystemSeverity, source: "ecosystem_specific")
                ?? Self.highestUbuntuPriority(in: affected.severity)
        else { return nil }
        self = chosen
    }

    /// The highest base score among the CVSS v4.0 and v3.x vectors; a vector that does not parse, or scores 0.0
    /// ("None", no level), is passed over. On equal scores v4.0 wins, being listed first.
    static func highestCVSS(in severities: [OSVRecord.Severity]) -> AdvisorySeverity? {
        var highest: AdvisorySeverity?
        for type in ["CVSS_V4", "CVSS_V3"] {
            for severity in severities where severity.type == type {
                let score = type == "CVSS_V4" ? CVSS4Vector(severity.score)?.baseScore : CVSS3Vector(severity.score)?.baseScore
                guard let score, let level = SeverityLevel(cvssScore: score) else { continue }
                let candidate = AdvisorySeverity(level: level, score: score, vector: severity.score, source: type)
                if let current = highest, !isLessSevere(current, candidate) { continue }
                highest = candidate
            }
        }
        return highest
    }

    private static func highestUbuntuPriority(in severities: [OSVRecord.Severity]) -> AdvisorySeverity? {
        severities.filter { $0.type == "Ubuntu" }
            .compactMap { Self(word: $0.score, source: "Ubuntu") }
            .max(by: isLessSevere)
    }

    private init?(word: String?, source: String) {
        guard let word, let level = SeverityLevel(word: word) else { return nil }
        self.init(level: level, source: source)
    }
}
