import Foundation

/// How one ecosystem orders its version strings (Debian's dpkg order, Alpine's apk order, SemVer, PEP 440, …).
/// OSV range events are evaluated under the ordering of the affected package's ecosystem.
public protocol VersionOrdering: Sendable {
    /// The order of `a` and `b`; nil when either is not a valid version in this ecosystem, so a caller never
    /// mistakes an unparseable version for an unaffected one.
    func compare(_ a: String, _ b: String) -> ComparisonResult?
}
