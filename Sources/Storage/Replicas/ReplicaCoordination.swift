import OCI

/// What one replica tells the others: something they keep in memory changed in the shared stores.
public enum ReplicaChange: Sendable, Hashable {
    /// A manifest of the repository was written or deleted, or its verdict changed: caches of it are read again and
    /// its verdict computed again from the shared stores.
    case manifest(RepositoryName, Digest)
    /// Manifests of the repository changed in bulk (retention, a prune): every cache of the repository is dropped.
    case repository(RepositoryName)
    /// A configuration revision was applied.
    case configuration
    /// The vulnerability database was imported into.
    case vulnerabilityDatabase
    /// Robot credentials were minted, rotated or revoked.
    case robotCredentials
    /// A login failed (`identity` nil: it named none), or succeeded: the other replicas' throttles count it too.
    case loginFailed(identity: String?, address: String)
    case loginSucceeded(identity: String)
}

/// How replicas sharing one set of stores work together (spec/scale-out.md): singleton jobs run under leases, so one
/// replica at a time runs each; changes are told to the other replicas, so their caches follow within a second; and
/// the keys every replica signs with are the same.
///
/// The embedded default is one process, `SingleReplica`; the PostgreSQL driver coordinates through its database.
public protocol ReplicaCoordination: Sendable {
    /// Runs `body` while this replica holds the lease `job`, after waiting for it. When the lease is lost (the
    /// database connection holding it broke), `body` is cancelled and this returns; the caller contends again.
    func whileHolding(_ job: String, _ body: @escaping @Sendable () async throws -> Void) async throws
    /// Tells the other replicas; never fails the caller (a replica that misses a change catches up on its next full
    /// refresh).
    func publish(_ change: ReplicaChange) async
    /// The changes other replicas publish, in order, for as long as the caller iterates. `nil` elements mean changes
    /// may have been missed (the listening connection was re-established): everything is to be read again.
    func changes() -> AsyncStream<ReplicaChange?>
    /// The PEM of the shared key `name`, created with `create` by whichever replica asks first; nil where keys are not
    /// shared but kept in the data folder (one replica).
    func sharedKey(named name: String, create: @Sendable () -> String) async throws -> String?
    /// Whether other replicas may exist: where a replica must not assume it is alone (minting credentials).
    var isShared: Bool { get }
}
