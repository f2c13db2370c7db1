import Storage

/// The one way the live configuration is read and changed: in process over a data folder (`LocalAdmin`),
/// or over the admin HTTP API of a running registry (`RemoteAdmin`).
public protocol AdminEndpoint: Sendable {
    func liveState() async throws -> LiveState
    /// The live configuration's fingerprint alone (cheaper than `liveState`).
    func configurationFingerprint() async throws -> String
    /// Applies `changes`; then, when `pruning` names deleted Repository declarations (an apply with `--allow-destroy`),
    /// deletes every tag and manifest of the repositories they governed that no Repository declaration governs now.
    func apply(_ changes: [ConfigurationChange], expectedFingerprint: String?, source: ConfigurationSource,
               pruning: [String]) async throws -> ConfigurationRevision
    func revisions(limit: Int) async throws -> [ConfigurationRevision]
    /// What applying `changes` would do to stored images and usage; none when the endpoint cannot tell (no preview).
    func consequences(of changes: [ConfigurationChange]) async throws -> PlanConsequences
}

extension AdminEndpoint {
    /// An apply that deletes no images.
    public func apply(_ changes: [ConfigurationChange], expectedFingerprint: String?, source: ConfigurationSource) async throws -> ConfigurationRevision {
        try await apply(changes, expectedFingerprint: expectedFingerprint, source: source, pruning: [])
    }
}
