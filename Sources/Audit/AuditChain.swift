import AuditRecords
import Crypto
import Foundation
import Storage

/// The chain's writer: numbers events in the order they are written, links each to the hash of the one before, appends
/// them to the store, and signs checkpoints. One per process; the store refuses an append that does not continue what
/// it holds, so two writers (replicas) can never fork the chain: the one refused chains its batch again after the other's.
actor AuditChain {
    let store: any AuditStore
    private let key: Curve25519.Signing.PrivateKey
    private let checkpointEvery: UInt64
    private(set) var head: AuditHead
    private var checkpointed: UInt64

    init(store: any AuditStore, key: Curve25519.Signing.PrivateKey, checkpointEvery: UInt64) async throws {
        self.store = store
        self.key = key
        self.checkpointEvery = checkpointEvery
        head = try await store.head()
        checkpointed = try await store.checkpoints().last?.sequence ?? 0
    }

    /// What one append wrote: the new head's sequence, and how many records of each action.
    struct Appended {
        var head: UInt64
        var counts: [AuditAction: Int]
    }

    /// Appends `events` as the next records; durable when it returns. When another writer (a replica sharing the store)
    /// appended since, the batch is numbered and linked again on top of what it wrote: one chain, in the order the
    /// store accepted the batches.
    func append(_ events: [AuditEvent]) async throws -> Appended {
        var attempts = 0
        while true {
            let (lines, next, counts) = chained(events, after: head)
            do {
                try await store.append(lines)
                head = next
                if head.sequence >= checkpointed + checkpointEvery { _ = try await checkpoint(at: Date()) }
                return Appended(head: head.sequence, counts: counts)
            } catch AuditStoreError.notContinuing(let stored, _) where attempts < Self.maximumRechains && stored.sequence > head.sequence {
                attempts += 1
                head = stored
            }
        }
    }

    /// How often one batch is chained again after other writers' appends before its append fails: contention this long
    /// means something is wrong, not busy.
    static let maximumRechains = 100

    private func chained(_ events: [AuditEvent], after head: AuditHead) -> (lines: [AuditLine], head: AuditHead, counts: [AuditAction: Int]) {
        var next = head
        var lines: [AuditLine] = []
        lines.reserveCapacity(events.count)
        var counts: [AuditAction: Int] = [:]
        for event in events {
            let line = AuditLine(AuditRecord(sequence: next.sequence + 1, previous: next.hash, event: event))
            lines.append(line)
            next = AuditHead(sequence: line.record.sequence, hash: line.hash)
            counts[event.action, default: 0] += 1
        }
        return (lines, next, counts)
    }

    /// Signs and stores a checkpoint of the current head. With `onlyIfMoved`, does nothing (and returns nil) when the
    /// last checkpoint already covers it.
    func checkpoint(at time: Date, onlyIfMoved: Bool = false) async throws -> AuditCheckpoint? {
        if onlyIfMoved, head.sequence == checkpointed { return nil }
        let checkpoint = try AuditCheckpoint.signed(sequence: head.sequence, head: head.hash, time: time, key: key)
        try await store.appendCheckpoint(checkpoint)
        checkpointed = head.sequence
        return checkpoint
    }

    /// Removes whole segments older than `before`, anchoring the shortened chain at a checkpoint signed now.
    func removeRecords(olderThan before: Date) async throws -> Int {
        let key = self.key
        return try await store.removeRecords(olderThan: before) { head in
            try AuditCheckpoint.signed(sequence: head.sequence, head: head.hash, time: Date(), key: key)
        }
    }
}
