import Audit
import AuditRecords
import CoreMetrics
import Crypto
import Foundation
import Logging
import Storage
import TestSupport

/// A real audit log in a temporary folder: segment files on disk, small enough that a few hundred records span several
/// segments, the closed ones compressed.
struct AuditFixture {
    let folder: URL
    let key: Curve25519.Signing.PrivateKey
    static let segmentBytes = 8 << 10

    init(in directory: URL) throws {
        folder = directory.appendingPathComponent("audit")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        key = try AuditKey.loadOrCreate(in: folder)
    }

    func open(segmentBytes: Int = AuditFixture.segmentBytes) async throws -> (AuditLog, SegmentedAuditStore) {
        let store = try SegmentedAuditStore(folder: folder, segmentBytes: segmentBytes)
        let log = try await AuditLog(store: store, key: key, checkpointEvery: 1_000_000, metrics: NOOPMetricsHandler.instance, logger: Logger(label: "audit-test"))
        return (log, store)
    }

    /// `count` records, pushes and pulls by a handful of actors, with a checkpoint signed after each `checkpointEvery`.
    @discardableResult
    func write(_ count: Int, checkpointEvery: Int = 100, start: Date = Date()) async throws -> AuditLog {
        let (log, store) = try await open()
        for index in 0..<count {
            let event = AuditEvent(time: start.addingTimeInterval(Double(index) / 1000), actor: "user:u\(index % 7)", address: "10.1.0.\(index % 200)",
                                   action: index % 3 == 0 ? .manifestPush : .manifestPull, repository: "team/app\(index % 4)", object: "v\(index)",
                                   details: ["digest": "sha256:" + String(repeating: String(index % 10), count: 64), "note": "line\nbreak \"quoted\" é \u{1}"])
            if index % 3 == 0 { try await log.record(event) } else { log.note(event) }
            if (index + 1) % checkpointEvery == 0 { _ = try await log.checkpoint() }
        }
        await log.flush()
        await store.settle()
        return log
    }

    var segmentsFolder: URL { folder.appendingPathComponent("segments") }

    func segments() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: segmentsFolder, includingPropertiesForKeys: nil)
            .filter { $0.lastPathComponent.hasSuffix(".jsonl") || $0.lastPathComponent.hasSuffix(".jsonl.zst") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// The lines of a segment, decompressed with the system's zstd when it is compressed.
    func lines(of segment: URL) throws -> [String] {
        let data = segment.pathExtension == "zst" ? try run("zstd", ["-dcq", segment.path]).stdout : try Data(contentsOf: segment)
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// Writes `lines` back to `segment`, compressing with the system's zstd when it was compressed.
    func replace(_ segment: URL, with lines: [String]) throws {
        let text = Data((lines.joined(separator: "\n") + "\n").utf8)
        if segment.pathExtension == "zst" {
            try run("zstd", ["-c", "-q"], stdin: text).stdout.write(to: segment)
        } else {
            try text.write(to: segment)
        }
    }

    /// Finds the segment holding record `sequence` and edits its line.
    func edit(_ sequence: UInt64, _ change: (inout [String], Int) throws -> Void) throws {
        for segment in try segments() {
            var lines = try lines(of: segment)
            guard let index = lines.firstIndex(where: { $0.contains("\"seq\":\(sequence),") }) else { continue }
            try change(&lines, index)
            try replace(segment, with: lines)
            return
        }
        throw FixtureFailure(description: "no record \(sequence)")
    }

    func verify(kept: AuditCheckpoint? = nil) async throws -> AuditVerification {
        try await AuditVerification.check(try SegmentedAuditStore(folder: folder, readOnly: true), key: key.publicKey, kept: kept)
    }
}

struct FixtureFailure: Error, CustomStringConvertible {
    let description: String
}
