import Declarations
import Foundation
import OCI
import Storage

/// The admin endpoint in process, over a configuration store and a metadata store.
public struct LocalAdmin: AdminEndpoint {
    let configuration: any ConfigurationStore
    public let metadata: any MetadataStore
    /// How a robot's `deliverTo` key is checked: the server injects Sealing's check (a key is valid when a token
    /// can be sealed to it).
    let keyChecks: KeyChecks
    /// Told of every configuration that lands, so what depends on it (access control, the manifest policy) follows at once.
    let didApply: @Sendable (DesiredState, ConfigurationRevision) async -> Void
    /// Computes what a change set would do to stored images, for plans.
    let preview: (any ConsequencePreview)?
    /// Told of the tags and manifests an apply deleted from a repository it pruned, so caches and verdicts follow.
    let didPrune: @Sendable (RepositoryName, RetentionDeleted) async -> Void

    public init(configuration: any ConfigurationStore, metadata: any MetadataStore, keyChecks: KeyChecks = .structural,
                preview: (any ConsequencePreview)? = nil, didApply: @escaping @Sendable (DesiredState, ConfigurationRevision) async -> Void = { _, _ in },
                didPrune: @escaping @Sendable (RepositoryName, RetentionDeleted) async -> Void = { _, _ in }) {
        self.configuration = configuration
        self.metadata = metadata
        self.keyChecks = keyChecks
        self.preview = preview
        self.didApply = didApply
        self.didPrune = didPrune
    }

    /// The live configuration, read back strictly as declarations: each object's shape, then every spec in one decode.
    public func liveDeclarations() async throws -> DesiredState {
        let objects = try await configuration.configuration().objects
            .map { try Reconciliation.canonicalObject($0, keyChecks: keyChecks, validatingSpec: false) }
        return try DesiredState(canonical: objects, keyChecks: keyChecks)
    }

    public func liveState() async throws -> LiveState {
        let (objects, fingerprint) = try await configuration.configuration()
        let counts = try await metadata.manifestCounts()
        return LiveState(objects: objects, fingerprint: fingerprint,
                         imageCounts: Dictionary(uniqueKeysWithValues: counts.map { ($0.key.value, $0.value) }))
    }

    public func configurationFingerprint() async throws -> String {
        try await configuration.configuration().fingerprint
    }

    /// Refuses a change set whose result is not a well-formed configuration, so nothing — not even a direct
    /// edit through the admin API — can store objects the registry cannot read back.
    public func apply(_ changes: [ConfigurationChange], expectedFingerprint: String?, source: ConfigurationSource,
                      pruning: [String]) async throws -> ConfigurationRevision {
        let (current, fingerprint) = try await configuration.configuration()
        if let expectedFingerprint, expectedFingerprint != fingerprint {
            throw ConfigurationError.stale(expected: expectedFingerprint, actual: fingerprint)
        }
        let (stored, state) = try resultOf(changes, on: current)
        // The fingerprint read above guards against a change landing between this check and the write.
        let revision = try await configuration.apply(stored, expectedFingerprint: fingerprint, source: source)
        await didApply(state, revision)
        try await prune(formerlyGovernedBy: pruning, now: state)
        return revision
    }

    /// Deletes every tag and manifest of the repositories `patterns` match that `state` no longer governs (their blobs
    /// stay for garbage collection). Repositories another declaration still governs keep their images.
    private func prune(formerlyGovernedBy patterns: [String], now state: DesiredState) async throws {
        let matchers = patterns.compactMap { RepositoryPattern($0) }
        guard !matchers.isEmpty else { return }
        for repository in try await metadata.repositories(after: nil, limit: nil)
        where matchers.contains(where: { $0.matches(repository.value) }) && state.effectivePolicy(for: repository.value) == nil {
            let contents = try await metadata.contents(repository: repository)
            let deleted = try await metadata.deleteUnreferenced(
                repository: repository, tags: Dictionary(contents.tags.map { ($0.tag, $0.digest) }, uniquingKeysWith: { first, _ in first }),
                manifests: contents.manifests.map(\.digest))
            await didPrune(repository, deleted)
        }
    }

    public func consequences(of changes: [ConfigurationChange]) async throws -> PlanConsequences {
        guard let preview else { return .none }
        let current = try await configuration.configuration().objects
        let (_, proposed) = try resultOf(changes, on: current)
        return try await preview.consequences(from: try await liveDeclarations(), to: proposed)
    }

    /// The changes as they would be stored, and the configuration they would leave.
    private func resultOf(_ changes: [ConfigurationChange], on current: [ConfigurationObject]) throws -> (stored: [ConfigurationChange], state: DesiredState) {
        // Puts are stored in canonical form whatever bytes they came in, so equal objects are always equal bytes and
        // the live fingerprint changes exactly when an object does. Each object is decoded once: the puts as they
        // arrive, the untouched live objects after, so a change set may replace an object that no longer reads back.
        var stored: [ConfigurationChange] = []
        var untouched = Dictionary(current.map { ("\($0.kind)/\($0.name)", $0) }, uniquingKeysWith: { _, last in last })
        var put: [String: CanonicalObject] = [:]
        let state: DesiredState
        do {
            for change in changes {
                switch change {
                case .put(let object):
                    let decoded = try Reconciliation.canonicalObject(object, keyChecks: keyChecks, validatingSpec: false)
                    untouched["\(object.kind)/\(object.name)"] = nil
                    put["\(object.kind)/\(object.name)"] = decoded
                    stored.append(.put(Reconciliation.configurationObject(decoded)))
                case .delete(let kind, let name):
                    untouched["\(kind)/\(name)"] = nil
                    put["\(kind)/\(name)"] = nil
                    stored.append(change)
                }
            }
            let live = try untouched.values.map { try Reconciliation.canonicalObject($0, keyChecks: keyChecks, validatingSpec: false) }
            state = try DesiredState(canonical: live + put.values, keyChecks: keyChecks)
        } catch {
            throw InvalidChangeSet("the change set would leave an unreadable configuration: \(error)")
        }
        return (stored, state)
    }

    public func revisions(limit: Int) async throws -> [ConfigurationRevision] {
        try await configuration.revisions(limit: limit)
    }
}
