import AuditRecords
import CoreMetrics
import Crypto
import Foundation
import Logging
import Storage
import Synchronization

/// The one audit log of a server: every push, pull, deletion, denial, verdict and configuration change, chained and
/// signed (spec/audit.md).
///
/// Two ways in. ``record(_:)`` returns once the record is on disk: pushes, deletions, configuration and security
/// records, whose request is answered only after. ``note(_:)`` returns at once and the record is written with the next
/// batch, at most ``flushDelay`` later: pulls, so a `GET` costs no disk write of its own. Whatever is waiting is
/// written together, one append and one sync per batch (group commit).
public final class AuditLog: Sendable {
    /// What the next batch appends.
    private struct Queue {
        /// In the order they came.
        var events: [AuditEvent] = []
        /// Callers of ``record(_:)`` waiting for their records to be on disk: while there is one, the batch is written at
        /// once, not at the timer.
        var continuations: [CheckedContinuation<Void, any Error>] = []
        /// How many of `events` came through ``note(_:)``: nobody hears if they are lost.
        var noted = 0
        var writing = false
        var timerSet = false
        /// Callers of ``flush()`` waiting for a batch another caller is writing.
        var waitingForIdle: [CheckedContinuation<Void, Never>] = []

        /// Empties the queue into a batch, leaving room for as many events again.
        mutating func take() -> Batch {
            var batch = Batch(events: [], continuations: [], noted: noted)
            swap(&batch.events, &events)
            swap(&batch.continuations, &continuations)
            events.reserveCapacity(batch.events.count)
            noted = 0
            return batch
        }
    }

    /// What one append writes, and who hears when it is durable.
    private struct Batch {
        var events: [AuditEvent]
        var continuations: [CheckedContinuation<Void, any Error>]
        var noted: Int
    }

    private let queue = Mutex(Queue())
    private let chain: AuditChain
    public let publicKey: Curve25519.Signing.PublicKey
    public let flushDelay: Duration
    private let logger: Logger
    private let appended: @Sendable (UInt64) -> Void
    private let written: [AuditAction: Counter]
    private let lost: Counter

    /// `appended` hears the new head after every batch (webhooks wake on it).
    public init(store: any AuditStore, key: Curve25519.Signing.PrivateKey, checkpointEvery: UInt64 = 10_000, flushDelay: Duration = .milliseconds(200),
                metrics: any MetricsFactory, logger: Logger, appended: @escaping @Sendable (UInt64) -> Void = { _ in }) async throws {
        chain = try await AuditChain(store: store, key: key, checkpointEvery: checkpointEvery)
        publicKey = key.publicKey
        self.flushDelay = flushDelay
        self.logger = logger
        self.appended = appended
        written = Dictionary(uniqueKeysWithValues: AuditAction.allCases.map { action in
            (action, Counter(label: "berth_audit_records_total", dimensions: [("action", action.rawValue)], factory: metrics))
        })
        lost = Counter(label: "berth_audit_lost_records_total", factory: metrics)
    }

    public var store: any AuditStore { chain.store }

    /// Writes `event` and returns once it is durable. Throws when it could not be written.
    public func record(_ event: AuditEvent) async throws {
        try await record([event])
    }

    /// Writes `events`, in order and in one batch, and returns once they are durable: a retention run's deletions
    /// share one sync rather than waiting for one each.
    public func record(_ events: [AuditEvent]) async throws {
        guard !events.isEmpty else { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let start = queue.withLock { queue in
                // Queued together, so one batch takes them all.
                queue.events += events
                queue.continuations.append(continuation)
                guard !queue.writing else { return false }
                queue.writing = true
                return true
            }
            if start { Task { await self.write() } }
        }
    }

    /// Queues `event` for the next batch and returns at once; a crash may lose it if it comes within ``flushDelay``.
    public func note(_ event: AuditEvent) {
        let arm = queue.withLock { queue in
            queue.events.append(event)
            queue.noted += 1
            guard !queue.writing, !queue.timerSet else { return false }
            queue.timerSet = true
            return true
        }
        if arm { writeAfterDelay() }
    }

    private func writeAfterDelay() {
        let delay = flushDelay
        Task {
            try? await Task.sleep(for: delay)
            let start = self.queue.withLock { queue in
                queue.timerSet = false
                guard !queue.writing, !queue.events.isEmpty else { return false }
                queue.writing = true
                return true
            }
            if start { await self.write() }
        }
    }

    /// Writes what is waiting, and again while a caller of ``record(_:)`` waits. Records only noted wait for the timer:
    /// under a steady stream of pulls, writing on as soon as a batch is durable would sync a few records at a time
    /// without end instead of one batch per ``flushDelay``.
    private func write() async {
        while true {
            let batch = queue.withLock { $0.take() }
            do {
                let records = try await chain.append(batch.events)
                for continuation in batch.continuations { continuation.resume() }
                for (action, count) in records.counts { written[action]?.increment(by: count) }
                appended(records.head)
            } catch {
                if batch.noted > 0 { lost.increment(by: batch.noted) }
                logger.error("could not write to the audit log", metadata: ["error": "\(error)", "records": "\(batch.events.count)"])
                for continuation in batch.continuations { continuation.resume(throwing: error) }
            }
            let (writeAgain, arm, idle) = queue.withLock { queue -> (Bool, Bool, [CheckedContinuation<Void, Never>]) in
                if !queue.continuations.isEmpty { return (true, false, []) }
                queue.writing = false
                let idle = queue.waitingForIdle
                queue.waitingForIdle = []
                guard !queue.events.isEmpty, !queue.timerSet else { return (false, false, idle) }
                queue.timerSet = true
                return (false, true, idle)
            }
            for waiter in idle { waiter.resume() }
            if arm { writeAfterDelay() }
            if !writeAgain { return }
        }
    }

    /// Writes whatever is queued now (pulls included) and returns when it is durable: before a read of the log or a
    /// checkpoint, and at shutdown.
    public func flush() async {
        let start = queue.withLock { queue in
            guard !queue.writing, !queue.events.isEmpty else { return false }
            queue.writing = true
            return true
        }
        if start { await write() }
        // Another caller's batch may be on its way to disk: it holds records queued before this call. Its writer says
        // when it is done; polling instead would spin without ever yielding in a cancelled task (a server stopping),
        // where every sleep throws at once, and could keep that writer from the thread it needs.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let waiting = queue.withLock { queue in
                guard queue.writing else { return false }
                queue.waitingForIdle.append(continuation)
                return true
            }
            if !waiting { continuation.resume() }
        }
    }

    public var head: AuditHead {
        get async { await chain.head }
    }

    /// Signs a checkpoint of the current head after writing what is queued. `onlyIfMoved` skips it when the last
    /// checkpoint is already at the head.
    public func checkpoint(onlyIfMoved: Bool = false) async throws -> AuditCheckpoint? {
        await flush()
        return try await chain.checkpoint(at: Date(), onlyIfMoved: onlyIfMoved)
    }

    public func removeRecords(olderThan before: Date) async throws -> Int {
        try await chain.removeRecords(olderThan: before)
    }
}
