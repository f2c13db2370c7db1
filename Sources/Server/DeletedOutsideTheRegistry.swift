import OCI
import Registry
import Storage

/// What follows tags and manifests deleted without going through the registry's API (retention, pruning a repository
/// whose declaration was destroyed): the registry's manifest cache, and the policy's verdicts and usage figures.
struct DeletedOutsideTheRegistry: Sendable {
    let registry: Registry
    let policy: any ManifestPolicy

    func callAsFunction(_ repository: RepositoryName, _ deleted: RetentionDeleted) async {
        registry.manifestsChanged(in: repository)
        for tag in deleted.tags { await policy.written(.deleteTag(repository: repository, tag: tag)) }
        for digest in deleted.manifests { await policy.written(.deleteManifest(repository: repository, digest: digest, tags: [])) }
    }
}
