import AuditRecords
import Foundation
import Webhooks

/// An audit log in memory, chained as the real one is: what the dispatcher reads in these tests, standing for the audit
/// store, which outlives a dispatcher as the real log outlives a restart.
actor MemoryAuditLog: AuditRecordSource {
    private var lines: [AuditLine] = []

    @discardableResult
    func append(_ event: AuditEvent) -> AuditRecord {
        let record = AuditRecord(sequence: UInt64(lines.count + 1), previous: lines.last?.hash ?? .zero, event: event)
        lines.append(AuditLine(record))
        return record
    }

    func records(after sequence: UInt64, limit: Int) -> [AuditRecord] {
        lines.dropFirst(Int(sequence)).prefix(limit).map(\.record)
    }

    func headSequence() -> UInt64 { UInt64(lines.count) }
}

extension AuditEvent {
    static func push(_ repository: String, _ object: String) -> AuditEvent {
        AuditEvent(time: Date(timeIntervalSince1970: 1_800_000_000.123), actor: "robot:ci", address: "10.0.0.7", action: .manifestPush,
                   repository: repository, object: object, details: ["digest": "sha256:" + String(repeating: "ab", count: 32)])
    }

    static func pull(_ repository: String) -> AuditEvent {
        AuditEvent(actor: "user:alice", action: .manifestPull, repository: repository, object: "latest")
    }
}
