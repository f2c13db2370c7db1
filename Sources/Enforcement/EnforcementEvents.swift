import ImageSignatures
import OCI
import Registry

/// What the manifest policy reports as it enforces: the reads of quarantined manifests (served to a producer, or
/// refused), and the signatures that did not verify. The server records them as security events.
public protocol EnforcementEvents: Sendable {
    func quarantinedRead(_ read: ManifestRead, by caller: RegistryCaller, served: Bool, reason: String) async
    /// A signature for `digest` that does not count, reported once when it is first found (not at every recomputation).
    func signatureRejected(repository: RepositoryName, digest: Digest, check: SignatureCheck) async
}

/// Reports nothing: for tests and tools that only ask what a policy decides.
public struct IgnoredEnforcementEvents: EnforcementEvents {
    public init() {}
    public func quarantinedRead(_ read: ManifestRead, by caller: RegistryCaller, served: Bool, reason: String) async {}
    public func signatureRejected(repository: RepositoryName, digest: Digest, check: SignatureCheck) async {}
}
