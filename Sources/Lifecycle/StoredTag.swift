import Foundation
import OCI

/// A tag as the store holds it.
public struct StoredTag: Sendable, Hashable {
    public var tag: Tag
    public var digest: Digest
    /// When the tag was last pointed at its manifest.
    public var pushedAt: Date

    public init(tag: Tag, digest: Digest, pushedAt: Date) {
        self.tag = tag
        self.digest = digest
        self.pushedAt = pushedAt
    }
}
