import AuditRecords
import Foundation

/// Where the chain ends: the last record's sequence and hash (0 and the zero hash for an empty log).
public struct AuditHead: Sendable, Hashable {
    public var sequence: UInt64
    public var hash: AuditHash

    public static let empty = AuditHead(sequence: 0, hash: .zero)

    public init(sequence: UInt64, hash: AuditHash) {
        self.sequence = sequence
        self.hash = hash
    }
}

/// One stored line as read back, unchecked: what verification hashes, and where it lies so a report can point at it.
public struct StoredAuditLine: Sendable, Hashable {
    public var bytes: [UInt8]
    private var source: String
    private var line: Int?

    /// The segment (or table) it came from, and its line number there, from 1. Written out only when asked for (an
    /// error names it): a search reads tens of thousands of lines and reports on none.
    public var location: String { line.map { "\(source):\($0)" } ?? source }

    public init(bytes: [UInt8], location: String) {
        self.bytes = bytes
        source = location
    }

    public init(bytes: [UInt8], source: String, line: Int) {
        self.bytes = bytes
        self.source = source
        self.line = line
    }
}

public enum AuditStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An append did not continue the stored chain: its first record's `seq` or `prev` is not the stored head's successor.
    case notContinuing(stored: AuditHead, appendedSequence: UInt64)
    /// A stored line could not be read as a record.
    case unreadable(location: String, reason: String)

    public var description: String {
        switch self {
        case .notContinuing(let stored, let appended):
            "audit append of record \(appended) does not continue the stored chain, which ends at \(stored.sequence) (\(stored.hash))"
        case .unreadable(let location, let reason): "audit record at \(location) is unreadable: \(reason)"
        }
    }
}

/// The audit chain as stored (spec/storage.md, "Audit"). The chain's rules (numbering, hashing, signing) live above it,
/// in the audit log; a store keeps lines in order, durably, and never rewrites one.
///
/// Every driver passes `AuditStoreConformance`.
public protocol AuditStore: Sendable {
    /// The stored chain's end (after retention removed everything, the anchor's).
    func head() async throws -> AuditHead
    /// Appends `lines`, which continue the chain from ``head()``; they are durable when it returns. A batch that does
    /// not continue it is refused whole with ``AuditStoreError/notContinuing(stored:appendedSequence:)``.
    func append(_ lines: [AuditLine]) async throws
    /// Up to `limit` stored lines after sequence `after`, in order, as stored: what verification reads. A line whose
    /// sequence cannot be read still comes back, in its place.
    func lines(after sequence: UInt64, limit: Int) async throws -> [StoredAuditLine]
    func appendCheckpoint(_ checkpoint: AuditCheckpoint) async throws
    /// Oldest first.
    func checkpoints() async throws -> [AuditCheckpoint]
    /// The signed checkpoint the oldest stored record continues from, once retention removed older records.
    func anchor() async throws -> AuditCheckpoint?
    /// Removes the oldest records, whole units at a time (a segment, a partition), while every record in the unit is
    /// older than `before` and a later unit remains. First stores `anchor(head of the removed units)` as the new anchor.
    /// Returns how many records it removed.
    func removeRecords(olderThan before: Date, anchoringAt anchor: @Sendable (AuditHead) throws -> AuditCheckpoint) async throws -> Int
}

extension AuditStore {
    /// Up to `limit` records after `after`, checked line by line: what exports, the admin API and webhooks read.
    public func records(after sequence: UInt64, limit: Int) async throws -> [AuditRecord] {
        try await lines(after: sequence, limit: limit).map { stored in
            do {
                return try AuditLine(bytes: stored.bytes).record
            } catch {
                throw AuditStoreError.unreadable(location: stored.location, reason: "\(error)")
            }
        }
    }
}
