import Foundation

/// The "ordering" of an ecosystem Berth has none for (`Ecosystems.ordering(for:)` is nil): no version can be placed,
/// so every range is undetermined and only versions an advisory lists one by one match for certain.
struct UnknownVersionOrdering: VersionOrdering {
    func compare(_ a: String, _ b: String) -> ComparisonResult? { nil }
}
