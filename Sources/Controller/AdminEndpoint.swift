import Foundation
import Storage

/// The registry's live state as the reconciler needs it: the configuration and the facts git does not hold.
public struct LiveState: Sendable, Codable {
    public var objects: [ConfigurationObject]
    public var fingerprint: String
    /// Manifests held per repository, so a plan can tell which deletions destroy images.
    public var imageCounts: [String: Int]

    public init(objects: [ConfigurationObject], fingerprint: String, imageCounts: [String: Int]) {
        self.objects = objects
        self.fingerprint = fingerprint
        self.imageCounts = imageCounts
    }
}

/// The one way the live configuration is read and changed: in process over a data folder (`LocalAdmin`),
/// or over the admin HTTP API of a running registry (`RemoteAdmin`).
public protocol AdminEndpoint: Sendable {
    func liveState() async throws -> LiveState
    func apply(_ changes: [ConfigurationChange], expectedFingerprint: String?, source: ConfigurationSource) async throws -> ConfigurationRevision
    func revisions(limit: Int) async throws -> [ConfigurationRevision]
}

public struct LocalAdmin: AdminEndpoint {
    let configuration: any ConfigurationStore
    let metadata: any MetadataStore

    public init(configuration: any ConfigurationStore, metadata: any MetadataStore) {
        self.configuration = configuration
        self.metadata = metadata
    }

    public func liveState() async throws -> LiveState {
        let (objects, fingerprint) = try await configuration.configuration()
        let counts = try await metadata.manifestCounts()
        return LiveState(objects: objects, fingerprint: fingerprint,
                         imageCounts: Dictionary(uniqueKeysWithValues: counts.map { ($0.key.value, $0.value) }))
    }

    public func apply(_ changes: [ConfigurationChange], expectedFingerprint: String?, source: ConfigurationSource) async throws -> ConfigurationRevision {
        try await configuration.apply(changes, expectedFingerprint: expectedFingerprint, source: source)
    }

    public func revisions(limit: Int) async throws -> [ConfigurationRevision] {
        try await configuration.revisions(limit: limit)
    }
}
