import HTTPTypes
import Hummingbird
import NIOCore
import OCI

/// What a registry request needs, derived from its route before any handler runs.
public enum RegistryNeed: Sendable, Hashable {
    /// `GET /v2/`: any authenticated caller (the version check clients use to discover the auth scheme).
    case ping
    /// `GET /v2/_catalog`: an authenticated caller; the listing is filtered to what the caller may pull.
    case catalog
    /// An operation on one repository.
    case repository(RepositoryName, RegistryOperation)
}

public enum RegistryOperation: String, Sendable, Hashable, CaseIterable {
    case pull, push, delete
}

/// Who the registry is serving, as far as handlers and the manifest policy need to know: who it is (for the records
/// the policy keeps), what it may pull (for the catalog and for cross-repository mounts), where it may push (the
/// producers of a repository may read what is not yet released in it), and where it holds admin (admins may read what a
/// tier blocks at pull, to investigate it).
public struct RegistryCaller: Sendable {
    /// The caller as records name it: a user, a robot, `anonymous`.
    public let identity: String
    /// The client's IP address, when the transport knows it.
    public let address: String?
    private let pullable: @Sendable (RepositoryName) -> Bool
    private let pushable: @Sendable (RepositoryName) -> Bool
    private let administrable: @Sendable (RepositoryName) -> Bool

    public init(identity: String, address: String? = nil, mayPull: @escaping @Sendable (RepositoryName) -> Bool,
                mayPush: @escaping @Sendable (RepositoryName) -> Bool,
                mayAdminister: @escaping @Sendable (RepositoryName) -> Bool = { _ in false }) {
        self.identity = identity
        self.address = address
        self.pullable = mayPull
        self.pushable = mayPush
        self.administrable = mayAdminister
    }

    public func mayPull(_ repository: RepositoryName) -> Bool { pullable(repository) }
    /// Whether the caller's identity holds push on `repository`, whatever the scopes of the token it came with.
    public func mayPush(_ repository: RepositoryName) -> Bool { pushable(repository) }
    /// Whether the caller's identity holds admin on `repository`.
    public func mayAdminister(_ repository: RepositoryName) -> Bool { administrable(repository) }
}

/// The request facts access control decides on; never the body.
public struct RegistryRequestFacts: Sendable {
    public var headers: HTTPFields
    /// The host the client addressed (its `Host` header), for links back to this server.
    public var authority: String?
    /// The client's IP address, when the transport knows it.
    public var address: String?
    /// The repository a cross-repository mount (`POST …/blobs/uploads/?mount=&from=`) reads from: a challenge
    /// asks for pull on it as well, or the client's token could never mount.
    public var mountSource: RepositoryName?
}

/// The one question the registry asks per request. The answer either lets the request through with the
/// caller it was made by, or is the error to send (401 with a challenge, 403, 429…), already complete.
public protocol RegistryAccessControl: Sendable {
    func authorize(_ need: RegistryNeed, request: RegistryRequestFacts) async -> Result<RegistryCaller, RegistryError>
}

/// A request context that keeps the client's address, which access control records and rate-limits by,
/// and the connection, which blob GETs send files on.
public struct RegistryRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
    }
}
