import AuditRecords
import Storage

/// What webhook delivery reads: the audit log, in order. Narrower than `AuditStore`, so delivery depends on reading
/// records only, and tests can hand it a log in memory.
public protocol AuditRecordSource: Sendable {
    /// Records after `sequence`, in order, at most `limit`.
    func records(after sequence: UInt64, limit: Int) async throws -> [AuditRecord]
    /// The last record's sequence (0 for an empty log): where a webhook added now starts, since it does not replay history.
    func headSequence() async throws -> UInt64
}

/// Any audit store as a record source.
public struct AuditStoreRecords: AuditRecordSource {
    public let store: any AuditStore

    public init(store: any AuditStore) { self.store = store }

    public func records(after sequence: UInt64, limit: Int) async throws -> [AuditRecord] {
        try await store.records(after: sequence, limit: limit)
    }

    public func headSequence() async throws -> UInt64 { try await store.head().sequence }
}
