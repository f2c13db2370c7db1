import Foundation

/// Python's package version order, PEP 440's, over versions normalised as PEP 440 (and Python's `packaging`) do:
/// see `PEP440Version`.
public struct PEP440VersionOrdering: VersionOrdering {
    public init() {}

    public func compare(_ a: String, _ b: String) -> ComparisonResult? {
        guard let a = PEP440Version(a), let b = PEP440Version(b) else { return nil }
        return PEP440Version.compare(a, b)
    }
}
