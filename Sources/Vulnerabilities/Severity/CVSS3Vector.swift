/// The base metrics of a CVSS v3.0 or v3.1 vector string and the base score they give, computed with the
/// formulas of the CVSS v3.1 specification (section 7.1, and Appendix A's Roundup). Temporal and environmental
/// metrics are accepted and left out: a record's severity is its base score.
public struct CVSS3Vector: Sendable, Hashable {
    public let baseScore: Double

    /// nil unless the string is "CVSS:3.0/…" or "CVSS:3.1/…" with each of the eight base metrics once, each with a
    /// value the specification defines.
    public init?(_ vector: String) {
        var parts = vector.split(separator: "/", omittingEmptySubsequences: false)
        guard let prefix = parts.first, prefix == "CVSS:3.0" || prefix == "CVSS:3.1" else { return nil }
        parts.removeFirst()
        var metrics: [Substring: Substring] = [:]
        for part in parts {
            let pair = part.split(separator: ":", omittingEmptySubsequences: false)
            guard pair.count == 2, metrics.updateValue(pair[1], forKey: pair[0]) == nil else { return nil }
        }
        guard let scopeValue = metrics["S"], scopeValue == "U" || scopeValue == "C" else { return nil }
        let scopeChanged = scopeValue == "C"
        guard
            let attackVector = Self.weight(metrics["AV"], ["N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2]),
            let attackComplexity = Self.weight(metrics["AC"], ["L": 0.77, "H": 0.44]),
            // A privilege weighs more when the attacker's reach extends past the vulnerable component.
            let privilegesRequired = Self.weight(
                metrics["PR"], ["N": 0.85, "L": scopeChanged ? 0.68 : 0.62, "H": scopeChanged ? 0.5 : 0.27]),
            let userInteraction = Self.weight(metrics["UI"], ["N": 0.85, "R": 0.62]),
            let confidentiality = Self.weight(metrics["C"], Self.impactWeights),
            let integrity = Self.weight(metrics["I"], Self.impactWeights),
            let availability = Self.weight(metrics["A"], Self.impactWeights)
        else { return nil }

        let impactSubScore = 1 - (1 - confidentiality) * (1 - integrity) * (1 - availability)
        let impact =
            scopeChanged
            ? 7.52 * (impactSubScore - 0.029) - 3.25 * Self.power(impactSubScore - 0.02, 15)
            : 6.42 * impactSubScore
        let exploitability = 8.22 * attackVector * attackComplexity * privilegesRequired * userInteraction
        if impact <= 0 {
            baseScore = 0
        } else if scopeChanged {
            baseScore = Self.roundUp(min(1.08 * (impact + exploitability), 10))
        } else {
            baseScore = Self.roundUp(min(impact + exploitability, 10))
        }
    }

    /// The CVSS rating of the base score; nil for 0.0 ("None").
    public var level: SeverityLevel? { SeverityLevel(cvssScore: baseScore) }

    private static let impactWeights: [Substring: Double] = ["H": 0.56, "L": 0.22, "N": 0]

    private static func weight(_ value: Substring?, _ weights: [Substring: Double]) -> Double? {
        value.flatMap { weights[$0] }
    }

    private static func power(_ base: Double, _ exponent: Int) -> Double {
        (0..<exponent).reduce(1) { product, _ in product * base }
    }

    /// Appendix A: the smallest one-decimal number not below `value`, computed on an integer so that floating point
    /// error (4.000000000000001) does not raise a score by a tenth.
    private static func roundUp(_ value: Double) -> Double {
        let scaled = Int((value * 100_000).rounded())
        if scaled % 10_000 == 0 { return Double(scaled) / 100_000 }
        return Double(scaled / 10_000 + 1) / 10
    }
}
