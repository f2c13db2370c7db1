import Foundation

/// Semantic Versioning 2.0.0 precedence (semver.org §11), for npm, crates.io and Go. Build metadata is accepted and
/// ignored, so `1.0.0+a` and `1.0.0+b` are the same version here.
public struct SemanticVersionOrdering: VersionOrdering {
    /// Go writes its module versions `v1.2.3`; OSV's Go records drop the `v`, an inventory may keep it.
    public let acceptsLeadingV: Bool

    public init(acceptsLeadingV: Bool = false) {
        self.acceptsLeadingV = acceptsLeadingV
    }

    public func compare(_ a: String, _ b: String) -> ComparisonResult? {
        guard let a = SemanticVersion(a, acceptingLeadingV: acceptsLeadingV),
              let b = SemanticVersion(b, acceptingLeadingV: acceptsLeadingV)
        else { return nil }
        return SemanticVersion.compare(a, b)
    }
}
