/// The embedded deployment's coordination: one process, so every lease is its own at once, there is nobody to tell, and
/// keys stay the data folder's files.
public struct SingleReplica: ReplicaCoordination {
    public init() {}

    public func whileHolding(_ job: String, _ body: @escaping @Sendable () async throws -> Void) async throws {
        try await body()
    }

    public func publish(_ change: ReplicaChange) async {}

    public func changes() -> AsyncStream<ReplicaChange?> {
        AsyncStream { _ in }
    }

    public func sharedKey(named name: String, create: @Sendable () -> String) async throws -> String? { nil }

    public var isShared: Bool { false }
}
