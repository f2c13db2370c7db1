import Foundation

/// Debian's (and Ubuntu's) package version order, `[epoch:]upstream[-revision]`, as `dpkg --compare-versions` orders.
/// Versions dpkg only warns about (an upstream part not starting with a digit, characters Policy does not allow) are
/// invalid here: a vulnerability range should not rest on a version dpkg itself calls bad syntax.
public struct DebianVersionOrdering: VersionOrdering {
    public init() {}

    public func compare(_ a: String, _ b: String) -> ComparisonResult? {
        guard let a = DebianVersion(a), let b = DebianVersion(b) else { return nil }
        return DebianVersion.compare(a, b)
    }
}
