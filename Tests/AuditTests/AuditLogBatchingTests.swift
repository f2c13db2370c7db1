import Audit
import AuditRecords
import CoreMetrics
import Foundation
import Logging
import Storage
import Synchronization
import TestSupport
import Testing

/// How the audit log groups records into appends (group commit): a durable record is written at once, with whatever
/// waits; noted records (pulls) wait for the timer, so a steady stream of them costs one append per flush delay.
@Suite("audit log batching")
struct AuditLogBatchingTests {
    /// A real segment store that counts appends and the records in each, and can be made to fail.
    final class CountingStore: AuditStore {
        let stored: SegmentedAuditStore
        private let state = Mutex((appends: [Int](), failing: false))

        init(folder: URL) throws { stored = try SegmentedAuditStore(folder: folder) }

        var appends: [Int] { state.withLock { $0.appends } }
        func fail(_ failing: Bool) { state.withLock { $0.failing = failing } }

        func head() async throws -> AuditHead { try await stored.head() }
        func append(_ lines: [AuditLine]) async throws {
            if state.withLock({ $0.failing }) { throw BlobStoreError.io("the test made this append fail") }
            try await stored.append(lines)
            state.withLock { $0.appends.append(lines.count) }
        }
        func lines(after sequence: UInt64, limit: Int) async throws -> [StoredAuditLine] { try await stored.lines(after: sequence, limit: limit) }
        func appendCheckpoint(_ checkpoint: AuditCheckpoint) async throws { try await stored.appendCheckpoint(checkpoint) }
        func checkpoints() async throws -> [AuditCheckpoint] { try await stored.checkpoints() }
        func anchor() async throws -> AuditCheckpoint? { try await stored.anchor() }
        func removeRecords(olderThan before: Date, anchoringAt anchor: @Sendable (AuditHead) throws -> AuditCheckpoint) async throws -> Int {
            try await stored.removeRecords(olderThan: before, anchoringAt: anchor)
        }
    }

    static func open(_ tmp: TemporaryDirectory, flushDelay: Duration) async throws -> (AuditLog, CountingStore) {
        let folder = tmp.url.appendingPathComponent("audit")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try CountingStore(folder: folder)
        let log = try await AuditLog(store: store, key: try AuditKey.loadOrCreate(in: folder), flushDelay: flushDelay,
                                     metrics: NOOPMetricsHandler.instance, logger: Logger(label: "audit-test"))
        return (log, store)
    }

    static func pull(_ index: Int) -> AuditEvent {
        AuditEvent(actor: "user:reader", address: "10.0.0.1", action: .manifestPull, repository: "team/app", object: "v\(index)")
    }

    @Test("a steady stream of pulls is written about once per flush delay, not an append after each append")
    func pullsWaitForTheTimer() async throws {
        try await withTemporaryDirectory("audit-batching") { tmp in
            let (log, store) = try await Self.open(tmp, flushDelay: .milliseconds(100))
            let clock = ContinuousClock()
            let started = clock.now
            var noted = 0
            while clock.now - started < .seconds(1) {
                for _ in 0..<20 {
                    log.note(Self.pull(noted))
                    noted += 1
                }
                try await Task.sleep(for: .milliseconds(1))
            }
            await log.flush()
            let appends = store.appends
            #expect(appends.reduce(0, +) == noted)
            #expect(await log.head.sequence == UInt64(noted))
            // One second at one append per 100 ms, plus the flush; appending again as soon as each append ends would
            // sync a few records at a time, hundreds of times.
            #expect(appends.count <= 13, "\(appends.count) appends for \(noted) records: \(appends.prefix(20))")
        }
    }

    @Test("a durable record is written at once, with the pulls noted before it")
    func aDurableRecordCarriesWhatWaits() async throws {
        try await withTemporaryDirectory("audit-batching") { tmp in
            // The timer would write the pulls after 10 minutes; a loaded machine's fdatasync takes seconds, not that.
            let (log, store) = try await Self.open(tmp, flushDelay: .seconds(600))
            for index in 0..<3 { log.note(Self.pull(index)) }
            let clock = ContinuousClock()
            let started = clock.now
            try await log.record(AuditEvent(actor: "user:writer", action: .manifestPush, repository: "team/app", object: "v1"))
            #expect(clock.now - started < .seconds(120), "a push waited for the pulls' timer")
            #expect(store.appends == [4])
            let records = try await store.records(after: 0, limit: 10)
            #expect(records.map(\.event.action) == [.manifestPull, .manifestPull, .manifestPull, .manifestPush])
        }
    }

    @Test("noted pulls reach the disk within the flush delay with nothing else happening")
    func pullsAreWrittenByTheTimer() async throws {
        try await withTemporaryDirectory("audit-batching") { tmp in
            let (log, store) = try await Self.open(tmp, flushDelay: .milliseconds(50))
            log.note(Self.pull(0))
            log.note(Self.pull(1))
            let clock = ContinuousClock()
            let started = clock.now
            while try await store.head().sequence < 2, clock.now - started < .seconds(10) {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(try await store.head().sequence == 2)
            #expect(store.appends == [2])
        }
    }

    @Test("a failed append fails the durable records in it; the chain continues with the next batch")
    func aFailedAppendFailsItsDurableRecords() async throws {
        try await withTemporaryDirectory("audit-batching") { tmp in
            let (log, store) = try await Self.open(tmp, flushDelay: .seconds(60))
            store.fail(true)
            await #expect(throws: BlobStoreError.self) {
                try await log.record(AuditEvent(actor: "user:writer", action: .manifestPush, repository: "team/app", object: "v1"))
            }
            store.fail(false)
            try await log.record(AuditEvent(actor: "user:writer", action: .manifestPush, repository: "team/app", object: "v2"))
            let records = try await store.records(after: 0, limit: 10)
            #expect(records.map(\.event.object) == ["v2"])
            #expect(records.map(\.sequence) == [1])
        }
    }
}
