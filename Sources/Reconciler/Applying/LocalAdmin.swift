import Declarations
import Foundation
import Storage

/// The admin endpoint in process, over a configuration store and a metadata store.
public struct LocalAdmin: AdminEndpoint {
    let configuration: any ConfigurationStore
    let metadata: any MetadataStore
    /// How a robot's `deliverTo` key is checked: the server injects Sealing's check (a key is valid when a token
    /// can be sealed to it).
    let recipientCheck: RecipientKeyCheck
    /// Told of every configuration that lands, so what depends on it (access control, the manifest policy) follows at once.
    let didApply: @Sendable (DesiredState) async -> Void

    public init(configuration: any ConfigurationStore, metadata: any MetadataStore, recipientCheck: RecipientKeyCheck = .structural,
                didApply: @escaping @Sendable (DesiredState) async -> Void = { _ in }) {
        self.configuration = configuration
        self.metadata = metadata
        self.recipientCheck = recipientCheck
        self.didApply = didApply
    }

    /// Reads stored objects back strictly: each object's shape, then every spec in one decode of the whole configuration.
    private func decode(_ objects: some Sequence<ConfigurationObject>) throws -> DesiredState {
        let decoded = try objects.map { try Reconciliation.canonicalObject($0, recipientCheck: recipientCheck, validatingSpec: false) }
        return try DesiredState(canonical: decoded, recipientCheck: recipientCheck)
    }

    /// The live configuration, read as declarations.
    public func liveDeclarations() async throws -> DesiredState {
        try decode(try await configuration.configuration().objects)
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
    public func apply(_ changes: [ConfigurationChange], expectedFingerprint: String?, source: ConfigurationSource) async throws -> ConfigurationRevision {
        let (current, fingerprint) = try await configuration.configuration()
        if let expectedFingerprint, expectedFingerprint != fingerprint {
            throw ConfigurationError.stale(expected: expectedFingerprint, actual: fingerprint)
        }
        // Puts are stored in canonical form whatever bytes they came in, so equal objects are always equal bytes and
        // the live fingerprint changes exactly when an object does.
        var stored: [ConfigurationChange] = []
        var result = Dictionary(current.map { ("\($0.kind)/\($0.name)", $0) }, uniquingKeysWith: { _, last in last })
        let state: DesiredState
        do {
            for change in changes {
                switch change {
                case .put(let object):
                    let canonical = Reconciliation.configurationObject(
                        try Reconciliation.canonicalObject(object, recipientCheck: recipientCheck, validatingSpec: false))
                    result["\(object.kind)/\(object.name)"] = canonical
                    stored.append(.put(canonical))
                case .delete(let kind, let name):
                    result["\(kind)/\(name)"] = nil
                    stored.append(change)
                }
            }
            state = try decode(result.values)
        } catch {
            throw InvalidChangeSet("the change set would leave an unreadable configuration: \(error)")
        }
        // The fingerprint read above guards against a change landing between this check and the write.
        let revision = try await configuration.apply(stored, expectedFingerprint: fingerprint, source: source)
        await didApply(state)
        return revision
    }

    public func revisions(limit: Int) async throws -> [ConfigurationRevision] {
        try await configuration.revisions(limit: limit)
    }
}
