import Declarations
import Foundation
import OCI
import Storage

/// Retention over a metadata store: what the declared rules delete, planned or done. The planner decides
/// (`RetentionPlanner`, pure); this reads the store and applies its answer with guarded deletions, so a tag moved or a
/// manifest re-tagged since the plan is left alone.
public struct Retention: Sendable {
    let metadata: any MetadataStore
    /// How long an untagged manifest is kept (`--untagged-grace`).
    let untaggedGrace: TimeInterval

    /// `--untagged-grace`'s default: a day.
    public static let defaultUntaggedGrace: TimeInterval = 86_400

    public init(metadata: any MetadataStore, untaggedGrace: TimeInterval) {
        self.metadata = metadata
        self.untaggedGrace = untaggedGrace
    }

    /// What the next run would delete under `declarations`, per repository with deletions.
    public func plan(under declarations: DesiredState, now: Date) async throws -> [RepositoryRetention] {
        var planned: [RepositoryRetention] = []
        for repository in try await metadata.repositories(after: nil, limit: nil) {
            if let retention = try await plan(repository, under: declarations, now: now), !retention.deletions.isEmpty {
                planned.append(retention)
            }
        }
        return planned
    }

    /// One repository's deletions under `declarations`; nil when it has no retention rule.
    public func plan(_ repository: RepositoryName, under declarations: DesiredState, now: Date) async throws -> RepositoryRetention? {
        let rules = RetentionRules(declarations.effectivePolicy(for: repository.value))
        guard !rules.isEmpty else { return nil }
        let contents = try await metadata.contents(repository: repository)
        let deletions = RetentionPlanner.deletions(
            tags: contents.tags.map { StoredTag(tag: $0.tag, digest: $0.digest, pushedAt: $0.pushedAt) },
            manifests: contents.manifests.map {
                StoredManifest(digest: $0.digest, pushedAt: $0.pushedAt, pulledAt: $0.pulledAt, subject: $0.subject, children: $0.children)
            },
            rules: rules, now: now, untaggedGrace: untaggedGrace)
        return RepositoryRetention(repository: repository.value, rules: rules.summary, deletions: deletions)
    }

    /// Plans each repository afresh and deletes what it says, then tells `deleted` (caches, verdicts, metrics follow).
    /// The report holds what was actually deleted.
    public func run(under declarations: DesiredState, now: Date,
                    deleted: @Sendable (RepositoryName, RetentionDeleted) async -> Void = { _, _ in }) async throws -> RetentionReport {
        var done: [RepositoryRetention] = []
        for repository in try await metadata.repositories(after: nil, limit: nil) {
            guard let planned = try await plan(repository, under: declarations, now: now), !planned.deletions.isEmpty else { continue }
            var tags: [Tag: Digest] = [:], manifests: [Digest] = []
            for deletion in planned.deletions {
                switch deletion.target {
                case .tag(let name, let digest): if let tag = Tag(name) { tags[tag] = digest }
                case .manifest(let digest): manifests.append(digest)
                }
            }
            let result = try await metadata.deleteUnreferenced(repository: repository, tags: tags, manifests: manifests)
            await deleted(repository, result)
            let deletedTags = Set(result.tags.map(\.value)), deletedManifests = Set(result.manifests)
            let applied = planned.deletions.filter { deletion in
                switch deletion.target {
                case .tag(let name, _): deletedTags.contains(name)
                case .manifest(let digest): deletedManifests.contains(digest)
                }
            }
            done.append(RepositoryRetention(repository: planned.repository, rules: planned.rules, deletions: applied))
        }
        return RetentionReport(startedAt: now, finishedAt: Date(), applied: true, repositories: done)
    }
}
