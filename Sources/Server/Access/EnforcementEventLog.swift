import Enforcement
import ImageSignatures
import OCI
import Registry
import Storage

/// The manifest policy's events, recorded as security events: quarantined reads (served to producers, refused to
/// everyone else) and signatures that do not count.
struct EnforcementEventLog: EnforcementEvents {
    let log: SecurityEventLog

    func quarantinedRead(_ read: ManifestRead, by caller: RegistryCaller, served: Bool, reason: String) async {
        let reference = read.tag.map { "\(read.repository):\($0)" } ?? "\(read.repository)@\(read.digest)"
        await log.record(SecurityEvent(kind: served ? .quarantineRead : .quarantineRefused, subject: caller.identity,
                                       address: caller.address ?? "unknown", action: "pull \(reference)",
                                       reason: served ? "served to a producer or an admin: \(reason)" : reason))
    }

    func signatureRejected(repository: RepositoryName, digest: Digest, check: SignatureCheck) async {
        await log.record(SecurityEvent(kind: .signatureRejected, subject: check.signer ?? check.keyFingerprint ?? "unknown signer",
                                       address: "-", action: "verify \(check.form.rawValue) signature \(check.artifact) for \(repository)@\(digest)",
                                       reason: "\(check.outcome.rawValue): \(check.reason)"))
    }

    func secretsFound(repository: RepositoryName, digest: Digest, findings: [ScanVerdict.Finding], refused: Bool, by caller: RegistryCaller?) async {
        await log.record(SecurityEvent(kind: .secretsFound, subject: caller?.identity ?? "scanner", address: caller?.address ?? "-",
                                       action: "\(refused ? "refuse" : "accept (tier warns)") push of \(repository)@\(digest)",
                                       reason: ScanVerdict.Finding.listed(findings)))
    }

    func vulnerabilitiesFound(repository: RepositoryName, digest: Digest, findings: [VulnerabilityFinding], refused: Bool, by caller: RegistryCaller?) async {
        await log.record(SecurityEvent(kind: .vulnerabilitiesFound, subject: caller?.identity ?? "scanner", address: caller?.address ?? "-",
                                       action: "\(refused ? "refuse" : "accept (tier warns)") push of \(repository)@\(digest)",
                                       reason: VulnerabilityFinding.listed(findings)))
    }

    func vulnerabilityVerdictChanged(repository: RepositoryName, digest: Digest, blocked: Bool, ids: [String], cause: String) async {
        await log.record(SecurityEvent(kind: .vulnerabilityVerdictChanged, subject: "rescan", address: "-",
                                       action: "\(blocked ? "block" : "release") \(repository)@\(digest)",
                                       reason: "\(cause): " + (ids.isEmpty ? "its packages could not all be checked" : ids.joined(separator: ", "))))
    }
}
