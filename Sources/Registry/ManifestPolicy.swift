import OCI

/// A manifest write the registry is about to make.
public enum ManifestWrite: Sendable, Hashable {
    /// A `PUT`: the manifest `digest` stored in `repository`, with `tags` pointed at it. `manifest` is what it lists
    /// (the layers a content scan reads).
    case put(repository: RepositoryName, digest: Digest, tags: [Tag], manifest: ParsedManifest)
    /// A `DELETE` of one tag.
    case deleteTag(repository: RepositoryName, tag: Tag)
    /// A `DELETE` of a manifest by digest, which also removes `tags`, the tags pointing at it.
    case deleteManifest(repository: RepositoryName, digest: Digest, tags: [Tag])

    public var repository: RepositoryName {
        switch self {
        case .put(let repository, _, _, _), .deleteTag(let repository, _), .deleteManifest(let repository, _, _): repository
        }
    }
}

/// A manifest the registry is about to serve (`GET` or `HEAD`, by tag or by digest).
public struct ManifestRead: Sendable, Hashable {
    public var repository: RepositoryName
    public var digest: Digest
    public var mediaType: String
    public var artifactType: String?
    /// The tag it was asked for by; nil when asked for by digest.
    public var tag: Tag?

    public init(repository: RepositoryName, digest: Digest, mediaType: String, artifactType: String? = nil, tag: Tag? = nil) {
        self.repository = repository
        self.digest = digest
        self.mediaType = mediaType
        self.artifactType = artifactType
        self.tag = tag
    }
}

/// The policy's answer to a write: refused, or allowed on conditions the store enforces atomically with the write.
public enum ManifestWriteDecision: Sendable {
    case refuse(RegistryError)
    /// Allowed, except that each tag in `fixedTags` may be created but not moved to another manifest; moving one is
    /// answered with its error.
    case allow(fixedTags: [Tag: RegistryError])

    public static let allow = Self.allow(fixedTags: [:])
}

/// A repository's quota as the policy states it: its size in bytes, and the refusal for a write that would exceed it.
public struct Quota: Sendable {
    public let bytes: Int64
    private let refusal: @Sendable (_ used: Int64, _ adding: Int64) -> RegistryError

    public init(bytes: Int64, refusal: @escaping @Sendable (_ used: Int64, _ adding: Int64) -> RegistryError) {
        self.bytes = bytes
        self.refusal = refusal
    }

    /// The 403 for a write of `adding` bytes to a repository using `used`.
    public func refusal(used: Int64, adding: Int64) -> RegistryError { refusal(used, adding) }
}

/// The one question the registry asks per manifest read and per manifest write, beside access control: may this
/// manifest be stored, or served, to this caller? The handlers never see what the answer is made of (tiers, tag rules,
/// and later scans and signatures); a read is answered from what the policy already knows, never by computing it.
///
/// After a write lands, the registry tells the policy (``written(_:)``) before it answers the client, so what the policy
/// derives from stored manifests (a verdict that a signature now releases an image) holds for the client's next request.
public protocol ManifestPolicy: Sendable {
    func decide(_ write: ManifestWrite, by caller: RegistryCaller) async -> ManifestWriteDecision
    /// Nil serves the manifest; an error (403 `DENIED` with what is missing) withholds it.
    func decide(_ read: ManifestRead, by caller: RegistryCaller) async -> RegistryError?
    /// A write `decide` allowed has been stored.
    func written(_ write: ManifestWrite) async
    /// The repository's quota, if it has one: a manifest put past it is refused in the transaction that writes, and an
    /// upload is refused at its commit when its blob alone would take the repository past it.
    func quota(for repository: RepositoryName) -> Quota?
    /// An upload was committed as blob `digest` of `repository`: what the policy will ask of it when a manifest names
    /// it (a content scan) may start now. Never delays the upload's answer.
    func blobCommitted(_ digest: Digest, in repository: RepositoryName)
}

extension ManifestPolicy {
    public func blobCommitted(_ digest: Digest, in repository: RepositoryName) {}
}
