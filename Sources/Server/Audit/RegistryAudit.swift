import Audit
import AuditRecords
import Logging
import OCI
import Registry
import Storage

/// The registry's activity as audit records: pushes and deletions on disk before the client is answered, pulls (and
/// `HEAD`s) queued for the next batch; and pull times for retention's `keepPulledWithin`. Without `audit` (bench/audit.sh's
/// baseline), pull times only. Writes are told to the other replicas too, so their caches and verdicts follow.
struct RegistryAudit: RegistryActivity {
    let audit: AuditLog?
    let pulls: PullTimeLog
    let coordination: any ReplicaCoordination
    let logger: Logger

    /// A write whose record cannot be written is answered 500 with what happened: the write itself is stored, the
    /// client should know it is not accounted for.
    private func record(_ event: AuditEvent) async throws {
        guard let audit else { return }
        do {
            try await audit.record(event)
        } catch {
            logger.error("could not write to the audit log", metadata: ["error": "\(error)", "action": "\(event.action.rawValue)"])
            throw RegistryError(.unknown, status: .internalServerError,
                                "the \(event.action.rawValue) of \(event.repository ?? "") was done, but its audit record could not be written; see the registry's log")
        }
    }

    func manifestPushed(repository: RepositoryName, digest: Digest, tags: [Tag], size: Int, mediaType: String, by caller: RegistryCaller) async throws {
        var details = ["digest": digest.description, "size": String(size), "mediaType": mediaType]
        if !tags.isEmpty { details["tags"] = tags.map(\.description).joined(separator: ",") }
        await coordination.publish(.manifest(repository, digest))
        try await record(AuditEvent(actor: caller.identity, address: caller.address, action: .manifestPush, repository: repository.value,
                                          object: tags.first?.description ?? digest.description, details: details))
    }

    func manifestDeleted(_ write: ManifestWrite, by caller: RegistryCaller) async throws {
        if case .deleteManifest(let repository, let digest, _) = write {
            await coordination.publish(.manifest(repository, digest))
        } else {
            await coordination.publish(.repository(write.repository))
        }
        switch write {
        case .deleteTag(let repository, let tag):
            try await record(AuditEvent(actor: caller.identity, address: caller.address, action: .tagDelete, repository: repository.value,
                                              object: tag.description))
        case .deleteManifest(let repository, let digest, let tags):
            var details = ["digest": digest.description]
            if !tags.isEmpty { details["tags"] = tags.map(\.description).joined(separator: ",") }
            try await record(AuditEvent(actor: caller.identity, address: caller.address, action: .manifestDelete, repository: repository.value,
                                              object: digest.description, details: details))
        case .put: break
        }
    }

    func manifestPulled(_ read: ManifestRead, bodySent: Bool, by caller: RegistryCaller) {
        if bodySent { pulls.record(repository: read.repository, digest: read.digest) }
        // Only what the object does not say already: the digest of a tag, and that it was a HEAD. A hot GET by digest
        // builds no dictionary at all.
        var details: [String: String] = [:]
        if read.tag != nil { details["digest"] = read.digest.description }
        if !bodySent { details["method"] = "HEAD" }
        audit?.note(AuditEvent(actor: caller.identity, address: caller.address, action: .manifestPull, repository: read.repository.value,
                               object: read.tag?.description ?? read.digest.description, details: details))
    }
}
