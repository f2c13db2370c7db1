import AuditRecords
import Foundation
import PostgresNIO
import Storage

/// Retention's units (`audit_units`): the newest unit takes each appended record until one of a later UTC day than the
/// unit's first arrives, which opens the next, as the segment store closes a segment at a new day. A record of an
/// earlier day (a replica's clock behind another's) stays in the newest unit, whose `newest` time is the latest of its
/// records: a unit goes only once every record in it is older than the cutoff.
extension PostgresAuditStore {
    private struct Unit {
        var first: Int64
        var last: Int64
        var openedAt: Date
        var newest: Date
    }

    private static func day(of time: Date) -> Int64 { Int64((time.timeIntervalSince1970 / 86_400).rounded(.down)) }

    /// Files `lines`, just inserted under the head lock, into the newest unit or new ones.
    static func fileIntoUnits(_ lines: [AuditLine], connection: PostgresConnection, logger: Logger) async throws {
        let newestUnit = try await connection.query("SELECT first_sequence, opened_at FROM audit_units ORDER BY first_sequence DESC LIMIT 1", logger: logger)
            .collect().first?.decode((Int64, Date).self)
        var units: [Unit] = []
        for line in lines {
            let sequence = Int64(bitPattern: line.record.sequence)
            let time = line.record.event.time
            let open = units.last.map { (first: $0.first, openedAt: $0.openedAt) } ?? newestUnit.map { (first: $0.0, openedAt: $0.1) }
            if let open, day(of: time) <= day(of: open.openedAt) {
                if units.last?.first == open.first {
                    units[units.count - 1].last = sequence
                    units[units.count - 1].newest = max(units[units.count - 1].newest, time)
                } else {
                    units.append(Unit(first: open.first, last: sequence, openedAt: open.openedAt, newest: time))
                }
            } else {
                units.append(Unit(first: sequence, last: sequence, openedAt: time, newest: time))
            }
        }
        // The stored unit these continue keeps its own newest time when that is the later.
        for unit in units {
            try await connection.query(
                """
                INSERT INTO audit_units (first_sequence, last_sequence, opened_at, newest) VALUES (\(unit.first), \(unit.last), \(unit.openedAt), \(unit.newest))
                ON CONFLICT (first_sequence) DO UPDATE SET last_sequence = excluded.last_sequence, newest = greatest(audit_units.newest, excluded.newest)
                """, logger: logger)
        }
    }

    public func anchor() async throws -> AuditCheckpoint? {
        guard let (sequence, head, time, signature) = try await database.query("SELECT sequence, head, time, signature FROM audit_anchor")
            .collect().first?.decode((Int64, ByteBuffer, String, String).self)
        else { return nil }
        return try Self.checkpoint(sequence: sequence, head: head, time: time, signature: signature, location: "audit_anchor")
    }

    public func removeRecords(olderThan before: Date, anchoringAt anchor: @Sendable (AuditHead) throws -> AuditCheckpoint) async throws -> Int {
        let logger = database.logger
        return try await database.transaction { connection in
            // The head lock: a removal on another replica waits, then sees what this one left.
            _ = try await connection.query("SELECT sequence FROM audit_head FOR UPDATE", logger: logger).collect()
            var units: [Unit] = []
            for try await (first, last, openedAt, newest) in try await connection.query(
                "SELECT first_sequence, last_sequence, opened_at, newest FROM audit_units ORDER BY first_sequence", logger: logger
            ).decode((Int64, Int64, Date, Date).self) {
                units.append(Unit(first: first, last: last, openedAt: openedAt, newest: newest))
            }
            // Oldest first, never the newest unit.
            var removable = 0
            while removable + 1 < units.count, units[removable].newest < before { removable += 1 }
            guard removable > 0 else { return 0 }
            let last = units[removable - 1].last
            let line = try await connection.query("SELECT line FROM audit_records WHERE sequence = \(last)", logger: logger)
                .oneRow(of: "SELECT line FROM audit_records WHERE sequence = \(last)").decode(ByteBuffer.self)
            let checkpoint = try anchor(AuditHead(sequence: UInt64(bitPattern: last), hash: AuditHash(ofLine: Array(line.readableBytesView))))
            // The anchor lands with the removal, in one transaction: the log is never shortened without it.
            try await connection.query(
                """
                INSERT INTO audit_anchor (sequence, head, time, signature)
                VALUES (\(Int64(bitPattern: checkpoint.sequence)), \(ByteBuffer(bytes: checkpoint.head.bytes)), \(AuditTime.string(checkpoint.time)),
                        \(checkpoint.signature))
                ON CONFLICT (singleton) DO UPDATE SET sequence = excluded.sequence, head = excluded.head, time = excluded.time, signature = excluded.signature
                """, logger: logger)
            try await connection.query("DELETE FROM audit_records WHERE sequence <= \(last)", logger: logger)
            try await connection.query("DELETE FROM audit_units WHERE first_sequence <= \(units[removable - 1].first)", logger: logger)
            return Int(last - units[0].first + 1)
        }
    }
}
