/// The base metrics of a CVSS v4.0 vector string and the base score (CVSS-B) they give, computed as the CVSS v4.0
/// specification's section 8 does: the vector's macrovector (six equivalence classes) gives the score of its
/// highest-severity vectors from the specification's table, and the vector's distance from those vectors lowers it
/// towards the next lower macrovectors. Hand-written because the package mirror has no CVSS library for Swift; checked
/// against the reference calculator FIRST publishes (Red Hat's cvss40.js, with its rounding correction), which gives
/// the same score for every one of the 104,976 base vectors.
///
/// Threat, environmental and supplemental metrics are accepted and left out, as `CVSS3Vector` leaves out v3's: a
/// record's severity is its base score, so exploit maturity counts as "Attacked" and the security requirements as
/// "High", the defaults the specification gives them.
public struct CVSS4Vector: Sendable, Hashable {
    public let baseScore: Double

    /// nil unless the string is "CVSS:4.0/…" with each of the eleven base metrics once, each with a value the
    /// specification defines, and no metric the specification does not name.
    public init?(_ vector: String) {
        guard let metrics = Metrics(vector), let score = Self.score(metrics) else { return nil }
        baseScore = score
    }

    /// The CVSS rating of the base score; nil for 0.0 ("None").
    public var level: SeverityLevel? { SeverityLevel(cvssScore: baseScore) }

    /// Section 8.2: the macrovector's score less the mean of the proportional distances to the next lower
    /// macrovectors, one per equivalence class that has a lower macrovector.
    private static func score(_ metrics: Metrics) -> Double? {
        // A vector with no impact at all scores 0, whatever its exploitability.
        if metrics.hasNoImpact { return 0 }
        let macroVector = MacroVector(metrics)
        // Every macrovector a base vector can have is in the table; nil only if the transcription lost one.
        guard let value = macroVector.score else { return nil }
        let distances = HighestSeverityVectors.distances(of: metrics, within: macroVector)
        var loweringSum = 0.0
        var lowerCount = 0
        for (lowerScore, proportion) in [
            (macroVector.lowerScore(\.eq1), distances.eq1),
            (macroVector.lowerScore(\.eq2), distances.eq2),
            (macroVector.lowerEQ3EQ6Score, distances.eq3eq6),
            (macroVector.lowerScore(\.eq4), distances.eq4),
            // Every base vector is at EQ5's highest severity (exploit maturity is not a base metric): the class
            // counts, and lowers by nothing.
            (macroVector.lowerScore(\.eq5), 0),
        ] {
            guard let lowerScore else { continue }
            lowerCount += 1
            loweringSum += (value - lowerScore) * proportion
        }
        let lowered = lowerCount == 0 ? value : value - loweringSum / Double(lowerCount)
        return roundToTenth(min(max(lowered, 0), 10))
    }

    /// Half up to one decimal, as the reference calculator rounds, after adding what it adds (10⁻⁶) so that floating
    /// point error does not put a score such as 8.55, reached as 8.5499999, a tenth too low.
    private static func roundToTenth(_ value: Double) -> Double {
        ((value + 1e-6) * 10).rounded(.toNearestOrAwayFromZero) / 10
    }
}
