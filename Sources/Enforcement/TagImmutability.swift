import Declarations
import OCI
import Registry

/// `immutableTags`: a tag matching one of the patterns may be created, and re-pushed with the same manifest, but never
/// moved to another manifest or deleted.
struct TagImmutability: Sendable {
    let patterns: [TagPattern]
    /// Where the patterns were declared, as a reader of the refusal looks for it: `tier internal`, `repository payments/*`.
    let source: String

    init(_ policy: EffectivePolicy?) {
        patterns = policy?.immutableTags.value ?? []
        source = policy?.immutableTags.origin.source ?? "default"
    }

    /// The 403 for changing `tag`, or nil when no pattern matches it.
    func refusal(for tag: Tag) -> RegistryError? {
        guard let pattern = patterns.first(where: { $0.matches(tag.value) }) else { return nil }
        return RegistryError(.denied, status: .forbidden, "tag \(tag) is immutable (\(source): \(pattern))")
    }
}
