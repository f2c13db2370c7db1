import AuditRecords
import Foundation
import Storage
import TestSupport
import Testing

/// The contract every `AuditStore` must honour (spec/storage.md, "Audit"), as checks any driver can run against itself.
///
/// `openStore` is called with a new empty folder for each check, and again with the same folder to reopen it (a driver
/// backed by a server keys its data by the folder's name).
public struct AuditStoreConformance: Sendable {
    public typealias OpenStore = @Sendable (URL) async throws -> any AuditStore

    private let openStore: OpenStore

    public init(openStore: @escaping OpenStore) { self.openStore = openStore }

    public var allChecks: [ConformanceCheck] {
        [
            ConformanceCheck("appendsAreKeptInOrderAcrossReopening", appendsAreKeptInOrderAcrossReopening),
            ConformanceCheck("anAppendThatDoesNotContinueIsRefusedWhole", anAppendThatDoesNotContinueIsRefusedWhole),
            ConformanceCheck("checkpointsComeBackOldestFirst", checkpointsComeBackOldestFirst),
            ConformanceCheck("oldRecordsGoBehindAnAnchor", oldRecordsGoBehindAnAnchor),
        ]
    }

    public func run() async { await allChecks.run() }

    /// `count` records continuing `head`, a day apart from `start` when `daily`.
    static func lines(after head: AuditHead, count: Int, start: Date = Date(timeIntervalSince1970: 1_800_000_000), daily: Bool = false) -> [AuditLine] {
        var lines: [AuditLine] = []
        var previous = head
        for index in 0..<count {
            let time = start.addingTimeInterval(daily ? Double(index) * 86_400 : Double(index))
            let line = AuditLine(AuditRecord(sequence: previous.sequence + 1, previous: previous.hash, event: AuditEvent(
                time: time, actor: "user:u\(index)", address: "10.0.0.\(index % 250)", action: .manifestPush, repository: "team/app",
                object: "v\(previous.sequence + 1)", details: ["digest": "sha256:" + String(repeating: "a", count: 64), "note": "quote \" and \\ and é"])))
            lines.append(line)
            previous = AuditHead(sequence: line.record.sequence, hash: line.hash)
        }
        return lines
    }

    public func appendsAreKeptInOrderAcrossReopening() async throws {
        let check: Comment = "AuditStoreConformance.appendsAreKeptInOrderAcrossReopening"
        try await withTemporaryDirectory { directory in
            let store = try await openStore(directory)
            #expect(try await store.head() == .empty, check.with("a new store is empty"))
            let first = Self.lines(after: .empty, count: 3)
            try await store.append(first)
            let second = Self.lines(after: AuditHead(sequence: 3, hash: first[2].hash), count: 4)
            try await store.append(second)
            let all = first + second
            #expect(try await store.head() == AuditHead(sequence: 7, hash: all[6].hash), check.with("the head is the last record appended"))
            let reopened = try await openStore(directory)
            #expect(try await reopened.head() == AuditHead(sequence: 7, hash: all[6].hash), check.with("the head survives reopening"))
            #expect(try await reopened.lines(after: 0, limit: 100).map(\.bytes) == all.map(\.bytes), check.with("every line comes back byte for byte"))
            #expect(try await reopened.lines(after: 2, limit: 3).map(\.bytes) == all[2..<5].map(\.bytes), check.with("reads start after any sequence"))
            #expect(try await reopened.records(after: 7, limit: 10).isEmpty, check.with("nothing after the head"))
        }
    }

    public func anAppendThatDoesNotContinueIsRefusedWhole() async throws {
        let check: Comment = "AuditStoreConformance.anAppendThatDoesNotContinueIsRefusedWhole"
        try await withTemporaryDirectory { directory in
            let store = try await openStore(directory)
            let first = Self.lines(after: .empty, count: 2)
            try await store.append(first)
            let head = AuditHead(sequence: 2, hash: first[1].hash)
            let skipping = Self.lines(after: AuditHead(sequence: 3, hash: head.hash), count: 1)
            await #expect(throws: AuditStoreError.self, check.with("a gap in the sequence is refused")) { try await store.append(skipping) }
            let forked = Self.lines(after: AuditHead(sequence: 2, hash: .zero), count: 2)
            await #expect(throws: AuditStoreError.self, check.with("a wrong prev is refused")) { try await store.append(forked) }
            let brokenInside = Self.lines(after: head, count: 1) + Self.lines(after: AuditHead(sequence: 3, hash: .zero), count: 1)
            await #expect(throws: AuditStoreError.self, check.with("a batch broken inside is refused")) { try await store.append(brokenInside) }
            #expect(try await store.head() == head, check.with("nothing of a refused batch is kept"))
            #expect(try await store.lines(after: 0, limit: 10).count == 2, check.with("nothing of a refused batch is kept"))
        }
    }

    public func checkpointsComeBackOldestFirst() async throws {
        let check: Comment = "AuditStoreConformance.checkpointsComeBackOldestFirst"
        try await withTemporaryDirectory { directory in
            let store = try await openStore(directory)
            let lines = Self.lines(after: .empty, count: 3)
            try await store.append(lines)
            let checkpoints = lines.map { AuditCheckpoint(sequence: $0.record.sequence, head: $0.hash, time: $0.record.event.time, signature: "c2lnbmVk") }
            for checkpoint in checkpoints { try await store.appendCheckpoint(checkpoint) }
            #expect(try await openStore(directory).checkpoints() == checkpoints, check)
        }
    }

    public func oldRecordsGoBehindAnAnchor() async throws {
        let check: Comment = "AuditStoreConformance.oldRecordsGoBehindAnAnchor"
        try await withTemporaryDirectory { directory in
            let store = try await openStore(directory)
            // Ten records a day apart, appended one by one: a driver may close its unit at each day.
            let lines = Self.lines(after: .empty, count: 10, daily: true)
            for line in lines { try await store.append([line]) }
            let cutoff = lines[6].record.event.time
            let removed = try await store.removeRecords(olderThan: cutoff) { head in
                AuditCheckpoint(sequence: head.sequence, head: head.hash, time: cutoff, signature: "YW5jaG9y")
            }
            #expect(removed > 0 && removed <= 6, check.with("some records older than the cutoff go, and none younger"))
            let anchor = try await store.anchor()
            #expect(anchor?.sequence == UInt64(removed), check.with("the anchor is the last record removed"))
            #expect(anchor?.head == lines[removed - 1].hash, check.with("the anchor holds that record's hash"))
            let kept = try await openStore(directory).lines(after: UInt64(removed), limit: 100).map(\.bytes)
            #expect(kept == lines[removed...].map(\.bytes), check.with("every later record stays"))
            #expect(try await store.head() == AuditHead(sequence: 10, hash: lines[9].hash), check.with("the head does not move"))
        }
    }
}
