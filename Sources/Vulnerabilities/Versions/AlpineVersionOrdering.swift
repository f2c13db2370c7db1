import Foundation

/// Alpine's package version order, as `apk version -t` orders: see `AlpineVersion`.
public struct AlpineVersionOrdering: VersionOrdering {
    public init() {}

    public func compare(_ a: String, _ b: String) -> ComparisonResult? {
        guard let a = AlpineVersion(a), let b = AlpineVersion(b) else { return nil }
        return AlpineVersion.compare(a, b)
    }
}
