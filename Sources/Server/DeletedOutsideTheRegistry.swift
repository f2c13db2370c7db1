import Audit
import AuditRecords
import Logging
import OCI
import Registry
import Storage

/// What follows tags and manifests deleted without going through the registry's API (retention, pruning a repository
/// whose declaration was destroyed): an audit record of each, the registry's manifest cache, and the policy's verdicts
/// and usage figures, here and on the other replicas.
struct DeletedOutsideTheRegistry: Sendable {
    let registry: Registry
    let policy: any ManifestPolicy
    let audit: AuditLog
    let coordination: any ReplicaCoordination
    let logger: Logger

    /// Retention deleted them.
    func callAsFunction(_ repository: RepositoryName, _ deleted: RetentionDeleted) async {
        await follow(repository, deleted, cause: "retention")
    }

    /// An apply pruned them: their repository's declaration is gone.
    func pruned(_ repository: RepositoryName, _ deleted: RetentionDeleted) async {
        await follow(repository, deleted, cause: "prune")
    }

    private func follow(_ repository: RepositoryName, _ deleted: RetentionDeleted, cause: String) async {
        let records = deleted.tags.map { ($0.description, "tag") } + deleted.manifests.map { ($0.description, "manifest") }
        do {
            try await audit.record(records.map { object, kind in
                AuditEvent(actor: "berth", action: .retentionDelete, repository: repository.value, object: object, details: ["kind": kind, "cause": cause])
            })
        } catch {
            logger.error("could not record retention deletions in the audit log", metadata: ["error": "\(error)", "repository": "\(repository)"])
        }
        registry.manifestsChanged(in: repository)
        await coordination.publish(.repository(repository))
        for digest in deleted.manifests { await coordination.publish(.manifest(repository, digest)) }
        for tag in deleted.tags { await policy.written(.deleteTag(repository: repository, tag: tag)) }
        for digest in deleted.manifests { await policy.written(.deleteManifest(repository: repository, digest: digest, tags: [])) }
    }
}
