/// A repository, or a glob of repositories, and the tier it belongs to.
///
/// Only the fields that make sense per repository can override the tier:
/// retention (field by field), immutableTags and quota. Security posture —
/// anonymous pulls, scanning and signing — comes from the tier alone, so a
/// reviewer finds it in one place; to change it, move the repository to
/// another tier.
public struct Repository: Sendable, Hashable {
    public var metadata: ObjectMetadata
    public var source: SourceLocation
    public var pattern: RepositoryPattern
    public var tier: String
    public var description: String?
    public var retention: RetentionPolicy
    public var immutableTags: [TagPattern]?
    public var quota: ByteSize?
    /// Where each declared field was written, keyed by path (`spec.tier`).
    public var fieldLocations: [String: SourceLocation]

    public var name: String { metadata.name }
}
