import Foundation

/// A coarse severity, the common ground of CVSS ratings and the words databases use.
public enum SeverityLevel: String, Sendable, Hashable, Comparable, Codable {
    case low, medium, high, critical

    /// The CVSS v3 qualitative rating of a base score; nil for 0.0, which CVSS rates "None".
    public init?(cvssScore score: Double) {
        switch score {
        case 9.0...: self = .critical
        case 7.0..<9.0: self = .high
        case 4.0..<7.0: self = .medium
        case 0.1..<4.0: self = .low
        default: return nil
        }
    }

    /// A database's severity word, in any case: LOW, MODERATE/MEDIUM, HIGH, CRITICAL; Red Hat's "important"; Debian's
    /// urgencies, whose trailing asterisks are dropped; Ubuntu's priorities. "unimportant" and "negligible" count as low:
    /// the record does state a severity, the lowest there is. Words that state none ("not yet assigned") give nil.
    public init?(word: String) {
        let word = word.trimmingCharacters(in: ["*", " "]).lowercased()
        switch word {
        case "unimportant", "negligible", "low": self = .low
        case "medium", "moderate": self = .medium
        case "high", "important": self = .high
        case "critical": self = .critical
        default: return nil
        }
    }

    public static func < (left: SeverityLevel, right: SeverityLevel) -> Bool {
        left.rank < right.rank
    }

    private var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        case .critical: 3
        }
    }
}
