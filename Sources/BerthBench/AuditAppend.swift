import ArgumentParser
import Audit
import AuditRecords
import CoreMetrics
import Crypto
import Foundation
import Logging
import Storage

/// The audit log's write throughput, for bench/audit.sh: `writers` tasks each write `records` records, as pulls do
/// (queued, written with the next batch) and as pushes do (each waiting until it is on disk), into a real segment store.
struct AuditAppend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit-append",
        abstract: "Write records to a real audit log in a temporary folder and print records per second.",
        discussion: #"Prints {"scenario":"audit-append-<mode>","seconds":…,"ops":<records>,"records_per_second":…,"segments":…}"#
    )

    enum Mode: String, ExpressibleByArgument { case noted, durable }

    @Option(help: "noted (pulls: no wait) or durable (pushes: each waits for its batch's sync)") var mode: Mode = .noted
    @Option(help: "Concurrent writers") var writers: Int = 16
    @Option(help: "Records per writer") var records: Int = 20_000
    @Option(help: "Folder to write in (a temporary one under it is removed after)") var folder: String = NSTemporaryDirectory()

    func run() async throws {
        let directory = URL(fileURLWithPath: folder).appendingPathComponent("berth-audit-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SegmentedAuditStore(folder: directory)
        let log = try await AuditLog(store: store, key: Curve25519.Signing.PrivateKey(), metrics: NOOPMetricsHandler.instance,
                                     logger: Logger(label: "bench"))
        let mode = self.mode
        let perWriter = records
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for index in 0..<perWriter {
                        let event = AuditEvent(actor: "user:writer\(writer)", address: "10.0.0.\(writer)", action: mode == .noted ? .manifestPull : .manifestPush,
                                               repository: "bench/app\(writer % 8)", object: "v\(index)",
                                               details: ["digest": "sha256:9f2c1e7a5b3d8f6e4c2a0b1d3e5f7a9c8b6d4e2f0a1c3e5b7d9f1a3c5e7b9d1f"])
                        if mode == .noted { log.note(event) } else { try await log.record(event) }
                    }
                }
            }
            try await group.waitForAll()
        }
        await log.flush()
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let head = await log.head.sequence
        guard head == UInt64(writers * perWriter) else { throw ValidationError("wrote \(head) records, expected \(writers * perWriter)") }
        let segments = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("segments").path).count
        BenchResult(scenario: "audit-append-\(mode.rawValue)", seconds: seconds, bytes: 0, ops: Int(head),
                    extra: [("records_per_second", num(Double(head) / seconds)), ("segments", String(segments))]).emit()
    }
}
