import Audit
import AuditRecords
import Crypto
import Foundation
import Storage
import TestSupport
import Testing

/// `berth audit verify`'s checks on real segment files (plain and zstd, edited with the system's zstd): every kind of
/// tampering is found, and named by the first record it breaks.
@Suite struct AuditTamperingTests {
    static let records = 400

    func tampered(_ change: (AuditFixture) throws -> Void) async throws -> AuditVerification {
        try await withTemporaryDirectory { directory in
            let fixture = try AuditFixture(in: directory)
            try await fixture.write(Self.records)
            #expect(try await fixture.verify().isIntact, "the log verifies before it is touched")
            #expect(try fixture.segments().count >= 3 && fixture.segments().contains { $0.pathExtension == "zst" }, "the log spans compressed segments")
            try change(fixture)
            return try await fixture.verify()
        }
    }

    @Test func anIntactLogVerifiesWithEveryCheckpoint() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try AuditFixture(in: directory)
            try await fixture.write(Self.records)
            let result = try await fixture.verify()
            #expect(result.isIntact && result.first == 1 && result.last == UInt64(Self.records))
            #expect(result.checkpointsChecked == Self.records / 100)
        }
    }

    @Test(arguments: [5, 150, 399])
    func anEditedRecordIsNamed(sequence: Int) async throws {
        // The edit keeps the line canonical: only the chain (or the checkpoint over the last record) can tell.
        let result = try await tampered { fixture in
            try fixture.edit(UInt64(sequence)) { lines, index in lines[index] = lines[index].replacingOccurrences(of: "\"actor\":\"user:u", with: "\"actor\":\"user:x") }
        }
        #expect(result.failure?.sequence == UInt64(sequence), "\(String(describing: result.failure))")
    }

    @Test func aLineNoLongerInCanonicalFormIsNamed() async throws {
        let result = try await tampered { fixture in
            try fixture.edit(42) { lines, index in lines[index] = lines[index].replacingOccurrences(of: "\",\"actor\"", with: "\", \"actor\"") }
        }
        #expect(result.failure?.sequence == 42)
    }

    @Test func aDeletedRecordIsNamed() async throws {
        let result = try await tampered { fixture in try fixture.edit(77) { lines, index in lines.remove(at: index) } }
        #expect(result.failure?.sequence == 77)
    }

    @Test func reorderedRecordsAreNamed() async throws {
        let result = try await tampered { fixture in try fixture.edit(120) { lines, index in lines.swapAt(index, index + 1) } }
        #expect(result.failure?.sequence == 120)
    }

    @Test func anInsertedRecordIsNamed() async throws {
        // A forged record 201 that names record 200's hash correctly: the original 201 that follows gives it away.
        let result = try await tampered { fixture in
            try fixture.edit(200) { lines, index in
                let previous = AuditHash(ofLine: Array(lines[index].utf8))
                let forged = AuditRecord(sequence: 201, previous: previous, event: AuditEvent(actor: "user:mallory", action: .manifestPush, repository: "team/app0", object: "v999"))
                lines.insert(String(decoding: forged.canonicalLine(), as: UTF8.self), at: index + 1)
            }
        }
        #expect(result.failure?.sequence == 201)
    }

    @Test func aReplacedSegmentIsFound() async throws {
        // A whole closed segment rewritten with a chain consistent inside itself: the next segment's first record no
        // longer names its last record's hash.
        var replaced: ClosedRange<UInt64> = 0...0
        let result = try await tampered { fixture in
            let segment = try #require(try fixture.segments().dropFirst().first { $0.pathExtension == "zst" })
            let lines = try fixture.lines(of: segment).map { try AuditLine(bytes: Array($0.utf8)) }
            var previous = lines[0].record.previous
            var forged: [String] = []
            for line in lines {
                var event = line.record.event
                event.actor = "user:mallory"
                let record = AuditRecord(sequence: line.record.sequence, previous: previous, event: event)
                forged.append(String(decoding: record.canonicalLine(), as: UTF8.self))
                previous = AuditLine(record).hash
            }
            replaced = lines.first!.record.sequence...lines.last!.record.sequence
            try fixture.replace(segment, with: forged)
        }
        let failed = try #require(result.failure)
        #expect(replaced.contains(failed.sequence), "\(failed)")
    }

    @Test func aTruncatedTailIsFoundByTheStoredCheckpoints() async throws {
        // Records 301-400 cut off; the stored checkpoint at 400 (signed before) says they existed.
        let result = try await tampered { fixture in
            try fixture.edit(301) { lines, index in lines.removeSubrange(index...) }
            try Self.removeSegments(after: 300, in: fixture)
        }
        #expect(result.failure?.sequence == 301, "\(String(describing: result.failure))")
    }

    @Test func aTruncatedTailWithItsCheckpointsIsFoundOnlyByAKeptCheckpoint() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try AuditFixture(in: directory)
            let log = try await fixture.write(Self.records)
            let kept = try #require(try await log.checkpoint())
            // The tail and every checkpoint after record 300 go: what is left is a shorter, consistent log.
            try fixture.edit(301) { lines, index in lines.removeSubrange(index...) }
            try Self.removeSegments(after: 300, in: fixture)
            let checkpoints = fixture.folder.appendingPathComponent("checkpoints.jsonl")
            let kept300 = try String(contentsOf: checkpoints, encoding: .utf8).split(separator: "\n").filter { !$0.contains("\"seq\":4") }
            try (kept300.joined(separator: "\n") + "\n").write(to: checkpoints, atomically: true, encoding: .utf8)
            #expect(try await fixture.verify().isIntact, "without a kept checkpoint, a consistent shorter log cannot be told apart")
            let result = try await fixture.verify(kept: kept)
            #expect(result.failure?.sequence == 301, "\(String(describing: result.failure))")
        }
    }

    @Test func aCheckpointSignedByAnotherKeyIsRefused() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try AuditFixture(in: directory)
            try await fixture.write(50)
            let head = try await SegmentedAuditStore(folder: fixture.folder, readOnly: true).head()
            let forged = try AuditCheckpoint.signed(sequence: head.sequence, head: head.hash, time: Date(), key: Curve25519.Signing.PrivateKey())
            #expect(try await fixture.verify(kept: forged).failure?.reason.contains("not signed by the audit key") == true)
        }
    }

    /// Removes every segment whose first record comes after `sequence`.
    static func removeSegments(after sequence: UInt64, in fixture: AuditFixture) throws {
        for segment in try fixture.segments() {
            let first = UInt64(segment.lastPathComponent.prefix(20))!
            if first > sequence { try FileManager.default.removeItem(at: segment) }
        }
    }
}
