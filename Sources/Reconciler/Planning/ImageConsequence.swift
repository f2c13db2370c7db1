import Declarations

/// What a plan would do to images already stored, beyond the objects it changes: which become quarantined and which
/// are released, per repository. Computed by the registry (it needs the stored signatures), shown before apply.
public struct ImageConsequence: Sendable, Hashable, Codable {
    public enum Effect: String, Sendable, Hashable, Codable {
        /// Released now, quarantined after the apply: pulls by consumers start failing.
        case quarantine
        /// Quarantined now, released after the apply.
        case release
    }

    public var repository: String
    public var effect: Effect
    /// How many images change.
    public var count: Int
    /// The first few of them (at most ``ImageConsequence/shownDigests``), sorted.
    public var digests: [String]
    /// Why, in one sentence: the requirement after the apply, or what happened to the signatures.
    public var reason: String

    public static let shownDigests = 5

    public init(repository: String, effect: Effect, count: Int, digests: [String], reason: String) {
        self.repository = repository
        self.effect = effect
        self.count = count
        self.digests = digests
        self.reason = reason
    }
}

/// Asks the registry's own verdict code what a configuration would do to the images it stores.
public protocol ConsequencePreview: Sendable {
    func consequences(from current: DesiredState, to proposed: DesiredState) async throws -> [ImageConsequence]
}
