import Foundation
import OCI

/// A manifest as the store holds it: when it came and was last read, and the manifests it points at.
public struct StoredManifest: Sendable, Hashable {
    public var digest: Digest
    public var pushedAt: Date
    /// The last GET by tag or digest; nil: never pulled (or pulled before pulls were tracked).
    public var pulledAt: Date?
    /// Set for referrers (signatures, SBOMs, attestations).
    public var subject: Digest?
    /// An index's child manifests.
    public var children: [Digest]

    public init(digest: Digest, pushedAt: Date, pulledAt: Date? = nil, subject: Digest? = nil, children: [Digest] = []) {
        self.digest = digest
        self.pushedAt = pushedAt
        self.pulledAt = pulledAt
        self.subject = subject
        self.children = children
    }
}
