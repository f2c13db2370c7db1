import ImageSignatures
import OCI
import Registry

/// What the manifest policy reports as it enforces: the reads of quarantined manifests (served to a producer, or
/// refused), the signatures that did not verify, the secrets and vulnerabilities found, and rescans that change a verdict. The server records them as security events.
public protocol EnforcementEvents: Sendable {
    func quarantinedRead(_ read: ManifestRead, by caller: RegistryCaller, served: Bool, reason: String) async
    /// A signature for `digest` that does not count, reported once when it is first found (not at every recomputation).
    func signatureRejected(repository: RepositoryName, digest: Digest, check: SignatureCheck) async
    /// Secrets no exception accepts, found in an image's layers: at its push, or when a scan that outlasted the push
    /// finishes (`caller` nil). `refused`: the tier blocks them. Findings are redacted; the secret itself is never passed on.
    func secretsFound(repository: RepositoryName, digest: Digest, findings: [ScanVerdict.Finding], refused: Bool, by caller: RegistryCaller?) async
    /// Vulnerabilities at or above the tier's threshold that no exception suppresses, found in an image at its push, or
    /// when a scan that outlasted the push finishes (`caller` nil). `refused`: the tier blocks them at push.
    func vulnerabilitiesFound(repository: RepositoryName, digest: Digest, findings: [VulnerabilityFinding], refused: Bool, by caller: RegistryCaller?) async
    /// A rescan changed whether the image is withheld for its vulnerabilities: `blocked` now or released now, because of
    /// the advisories `ids` (those newly blocking, or those no longer blocking) and `cause` (an import, an exception).
    func vulnerabilityVerdictChanged(repository: RepositoryName, digest: Digest, blocked: Bool, ids: [String], cause: String) async
    /// An image's verdict was first reached (`previous` nil, at its push) or moved between released and quarantined,
    /// because of `cause` (a push, a signature, a scan, a configuration, a rescan).
    func verdictChanged(_ verdict: Verdict, from previous: Verdict.Status?, cause: String) async
}

/// Reports nothing: for tests and tools that only ask what a policy decides.
public struct IgnoredEnforcementEvents: EnforcementEvents {
    public init() {}
    public func quarantinedRead(_ read: ManifestRead, by caller: RegistryCaller, served: Bool, reason: String) async {}
    public func signatureRejected(repository: RepositoryName, digest: Digest, check: SignatureCheck) async {}
    public func secretsFound(repository: RepositoryName, digest: Digest, findings: [ScanVerdict.Finding], refused: Bool, by caller: RegistryCaller?) async {}
    public func vulnerabilitiesFound(repository: RepositoryName, digest: Digest, findings: [VulnerabilityFinding], refused: Bool, by caller: RegistryCaller?) async {}
    public func vulnerabilityVerdictChanged(repository: RepositoryName, digest: Digest, blocked: Bool, ids: [String], cause: String) async {}
    public func verdictChanged(_ verdict: Verdict, from previous: Verdict.Status?, cause: String) async {}
}
