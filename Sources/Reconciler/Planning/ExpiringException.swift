import Declarations
import Foundation

/// An exception that lapses soon after the plan: a reviewer sees it coming, and the owner renews it or fixes the image.
public struct ExpiringException: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case vulnerability = "VulnerabilityException"
        case secret = "SecretException"
    }

    public var kind: Kind
    public var name: String
    /// The vulnerability id, or the secret rule.
    public var covers: String
    public var expires: String
    /// When it stops suppressing (a VulnerabilityException at the start of its date, a SecretException at its end),
    /// in ISO 8601.
    public var lapsesAt: String
    /// Whole days from the plan to the lapse, rounded up.
    public var daysLeft: Int
    public var owner: String?

    /// How far ahead a plan looks.
    public static let horizon: TimeInterval = 14 * 86_400

    /// The declared exceptions that lapse within ``horizon`` of `now` (and have not lapsed yet), soonest first.
    public static func within(_ desired: DesiredState, now: Date) -> [ExpiringException] {
        let vulnerabilities = desired.vulnerabilityExceptions.map {
            (Kind.vulnerability, $0.name, $0.vulnerability.text, $0.expires, $0.lapsesAt, $0.owner)
        }
        let secrets = desired.secretExceptions.map {
            (Kind.secret, $0.name, $0.rule, $0.expires, SecretException.lapse(of: $0.expires), $0.owner)
        }
        return (vulnerabilities + secrets)
            .filter { $0.4 > now && $0.4.timeIntervalSince(now) <= horizon }
            .sorted { ($0.4, $0.0.rawValue, $0.1) < ($1.4, $1.0.rawValue, $1.1) }
            .map { kind, name, covers, expires, lapse, owner in
                ExpiringException(kind: kind, name: name, covers: covers, expires: expires.description, lapsesAt: lapse.formatted(.iso8601),
                                  daysLeft: Int((lapse.timeIntervalSince(now) / 86_400).rounded(.up)), owner: owner)
            }
    }

    /// `VulnerabilityException cve-2024-45337-payments (CVE-2024-45337) stops suppressing at 2027-03-31T00:00:00Z, in 3 days; owner security`
    public var sentence: String {
        let verb = kind == .vulnerability ? "suppressing" : "accepting findings"
        return "\(kind.rawValue) \(name) (\(covers)) stops \(verb) at \(lapsesAt), in \(daysLeft) day\(daysLeft == 1 ? "" : "s")"
            + (owner.map { "; owner \($0)" } ?? "")
    }
}
