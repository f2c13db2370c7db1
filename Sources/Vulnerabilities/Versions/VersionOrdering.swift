import Foundation

/// A package ecosystem's version ordering.
public protocol VersionOrdering: Sendable {
    /// nil when either string is not a valid version of this ecosystem.
    func compare(_ a: String, _ b: String) -> ComparisonResult?
}
