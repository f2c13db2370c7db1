import Foundation
import OCI

/// What one repository holds, as retention judges it: its tags with when they were pushed, and its manifests with when
/// they were pushed and last pulled, what they refer to and what they list.
public struct RepositoryContents: Sendable, Hashable {
    public struct TagEntry: Sendable, Hashable {
        public var tag: Tag
        public var digest: Digest
        public var pushedAt: Date

        public init(tag: Tag, digest: Digest, pushedAt: Date) {
            self.tag = tag
            self.digest = digest
            self.pushedAt = pushedAt
        }
    }

    public struct ManifestEntry: Sendable, Hashable {
        public var digest: Digest
        public var pushedAt: Date
        /// The last `GET` as far as the store knows (pull times reach it in batches); nil when never pulled.
        public var pulledAt: Date?
        public var subject: Digest?
        public var children: [Digest]

        public init(digest: Digest, pushedAt: Date, pulledAt: Date?, subject: Digest?, children: [Digest]) {
            self.digest = digest
            self.pushedAt = pushedAt
            self.pulledAt = pulledAt
            self.subject = subject
            self.children = children
        }
    }

    public var tags: [TagEntry]
    public var manifests: [ManifestEntry]

    public init(tags: [TagEntry], manifests: [ManifestEntry]) {
        self.tags = tags
        self.manifests = manifests
    }
}

/// What `MetadataStore.deleteUnreferenced` deleted.
public struct RetentionDeleted: Sendable, Hashable {
    public var tags: [Tag]
    public var manifests: [Digest]

    public init(tags: [Tag], manifests: [Digest]) {
        self.tags = tags
        self.manifests = manifests
    }
}

/// What `MetadataStore.unlinkUnreferencedBlobs` removed (or would remove): how many links, and the digests no
/// repository links any more afterwards.
public struct UnlinkedBlobs: Sendable, Hashable {
    public var links: Int
    public var orphaned: Set<Digest>

    public init(links: Int, orphaned: Set<Digest>) {
        self.links = links
        self.orphaned = orphaned
    }
}

/// A manifest pulled at a moment, as the registry reports pulls to the store in batches.
public struct ManifestPull: Sendable, Hashable {
    public var repository: RepositoryName
    public var digest: Digest
    public var at: Date

    public init(repository: RepositoryName, digest: Digest, at: Date) {
        self.repository = repository
        self.digest = digest
        self.at = at
    }
}

/// One repository in brief (`MetadataStore.repositorySummaries`).
public struct RepositorySummary: Sendable, Hashable {
    public var name: RepositoryName
    public var tags: Int
    public var manifests: Int
    /// The newest manifest's push; nil for a repository that holds none (only blobs, or everything deleted).
    public var lastPush: Date?

    public init(name: RepositoryName, tags: Int, manifests: Int, lastPush: Date?) {
        self.name = name
        self.tags = tags
        self.manifests = manifests
        self.lastPush = lastPush
    }
}
