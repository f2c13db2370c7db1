import AuditRecords
import Enforcement
import ImageSignatures
import OCI
import Registry
import Storage

/// The manifest policy's events, as audit records: quarantined reads (served to producers, refused to everyone else),
/// signatures that do not count, findings at push, and verdicts that change (told to the other replicas too, which
/// compute them again from the shared stores).
struct EnforcementEventLog: EnforcementEvents {
    let log: SecurityEventLog
    let coordination: any ReplicaCoordination

    func quarantinedRead(_ read: ManifestRead, by caller: RegistryCaller, served: Bool, reason: String) async {
        let reference = read.tag.map { "\(read.repository):\($0)" } ?? "\(read.repository)@\(read.digest)"
        await log.record(served ? .quarantineRead : .quarantineRefused, actor: caller.identity, address: caller.address, attempt: "pull \(reference)",
                         reason: served ? "served to a producer or an admin: \(reason)" : reason, repository: read.repository.value,
                         object: read.tag?.description ?? read.digest.description, outcome: served ? .success : .denied,
                         details: ["digest": read.digest.description])
    }

    func signatureRejected(repository: RepositoryName, digest: Digest, check: SignatureCheck) async {
        await log.record(.signatureRejected, actor: check.signer ?? check.keyFingerprint ?? "unknown signer", address: nil,
                         attempt: "verify \(check.form.rawValue) signature \(check.artifact) for \(repository)@\(digest)",
                         reason: "\(check.outcome.rawValue): \(check.reason)", repository: repository.value, object: digest.description,
                         outcome: .failure, details: ["digest": digest.description, "signature": check.artifact.description])
    }

    func secretsFound(repository: RepositoryName, digest: Digest, findings: [ScanVerdict.Finding], refused: Bool, by caller: RegistryCaller?) async {
        await log.record(.secretsFound, actor: caller?.identity ?? "berth", address: caller?.address,
                         attempt: "\(refused ? "refuse" : "accept (tier warns)") push of \(repository)@\(digest)",
                         reason: ScanVerdict.Finding.listed(findings), repository: repository.value, object: digest.description,
                         outcome: refused ? .denied : .success, details: ["digest": digest.description])
    }

    func vulnerabilitiesFound(repository: RepositoryName, digest: Digest, findings: [VulnerabilityFinding], refused: Bool, by caller: RegistryCaller?) async {
        await log.record(.vulnerabilitiesFound, actor: caller?.identity ?? "berth", address: caller?.address,
                         attempt: "\(refused ? "refuse" : "accept (tier warns)") push of \(repository)@\(digest)",
                         reason: VulnerabilityFinding.listed(findings), repository: repository.value, object: digest.description,
                         outcome: refused ? .denied : .success, details: ["digest": digest.description])
    }

    func vulnerabilityVerdictChanged(repository: RepositoryName, digest: Digest, blocked: Bool, ids: [String], cause: String) async {
        await log.record(.verdictChange, actor: "berth", address: nil, attempt: "\(blocked ? "block" : "release") \(repository)@\(digest)",
                         reason: "\(cause): " + (ids.isEmpty ? "its packages could not all be checked" : ids.joined(separator: ", ")),
                         repository: repository.value, object: digest.description, outcome: .success,
                         details: ["digest": digest.description, "part": "vulnerabilities", "verdict": blocked ? "blocked" : "released", "cause": cause])
        await coordination.publish(.manifest(repository, digest))
    }

    func verdictChanged(_ verdict: Verdict, from previous: Verdict.Status?, cause: String) async {
        var details = ["digest": verdict.digest.description, "part": "status", "verdict": verdict.status.rawValue, "cause": cause]
        details["previous"] = previous?.rawValue
        details["tier"] = verdict.tier
        await log.record(.verdictChange, actor: "berth", address: nil, attempt: "judge \(verdict.repository)@\(verdict.digest)",
                         reason: verdict.reasons.joined(separator: "; "), repository: verdict.repository.value, object: verdict.digest.description,
                         outcome: .success, details: details)
        await coordination.publish(.manifest(verdict.repository, verdict.digest))
    }
}
