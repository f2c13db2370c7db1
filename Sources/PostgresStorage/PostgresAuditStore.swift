import AuditRecords
import Foundation
import PostgresNIO
import Storage

/// The scale-out audit store: the chain in PostgreSQL, shared by every replica (spec/storage.md, "Audit").
///
/// Each record's canonical line is a row of `audit_records`, byte for byte, keyed by its sequence; `audit_head` holds the
/// chain's end in one row. Every change to the chain locks that row first (`SELECT … FOR UPDATE`), so appends from
/// several replicas take turns, and each is checked against the head the one before it left: a replica whose batch was
/// numbered from a head another replica has since moved is refused with `notContinuing`, and nothing of it is stored.
/// Retention (`PostgresAuditStore+Retention.swift`) removes whole units of records behind a signed anchor.
public final class PostgresAuditStore: AuditStore {
    let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func head() async throws -> AuditHead {
        try await Self.head(try await database.query("SELECT sequence, hash FROM audit_head"))
    }

    /// The head as the one row of `rows` says it.
    static func head(_ rows: PostgresRowSequence) async throws -> AuditHead {
        let (sequence, hash) = try await rows.oneRow(of: "SELECT FROM audit_head").decode((Int64, ByteBuffer).self)
        return AuditHead(sequence: UInt64(bitPattern: sequence), hash: try Self.hash(hash, location: "audit_head"))
    }

    /// A stored hash, checked to be one: `AuditHash` takes only 32 bytes, and an edited row must not stop the server.
    static func hash(_ buffer: ByteBuffer, location: String) throws -> AuditHash {
        guard buffer.readableBytes == 32 else { throw AuditStoreError.unreadable(location: location, reason: "a hash of \(buffer.readableBytes) bytes") }
        return AuditHash(bytes: Array(buffer.readableBytesView))
    }

    public func append(_ lines: [AuditLine]) async throws {
        guard let first = lines.first else { return }
        let logger = database.logger
        try await database.transaction { connection in
            let stored = try await Self.head(try await connection.query("SELECT sequence, hash FROM audit_head FOR UPDATE", logger: logger))
            var expected = stored
            for line in lines {
                guard line.record.sequence == expected.sequence + 1, line.record.previous == expected.hash else {
                    throw AuditStoreError.notContinuing(stored: stored, appendedSequence: first.record.sequence)
                }
                expected = AuditHead(sequence: line.record.sequence, hash: line.hash)
            }
            try await connection.query(
                """
                INSERT INTO audit_records (sequence, line)
                SELECT * FROM unnest(\(lines.map { Int64(bitPattern: $0.record.sequence) })::bigint[], \(lines.map { ByteBuffer(bytes: $0.bytes) })::bytea[])
                """, logger: logger)
            try await Self.fileIntoUnits(lines, connection: connection, logger: logger)
            try await connection.query(
                "UPDATE audit_head SET sequence = \(Int64(bitPattern: expected.sequence)), hash = \(ByteBuffer(bytes: expected.hash.bytes))",
                logger: logger)
        }
    }

    public func lines(after sequence: UInt64, limit: Int) async throws -> [StoredAuditLine] {
        guard limit > 0 else { return [] }
        let rows = try await database.query(
            "SELECT sequence, line FROM audit_records WHERE sequence > \(Int64(clamping: sequence)) ORDER BY sequence LIMIT \(limit)")
        var lines: [StoredAuditLine] = []
        for try await (sequence, line) in rows.decode((Int64, ByteBuffer).self) {
            lines.append(StoredAuditLine(bytes: Array(line.readableBytesView), source: "audit_records", line: Int(sequence)))
        }
        return lines
    }

    public func appendCheckpoint(_ checkpoint: AuditCheckpoint) async throws {
        try await database.query(
            """
            INSERT INTO audit_checkpoints (sequence, head, time, signature)
            VALUES (\(Int64(bitPattern: checkpoint.sequence)), \(ByteBuffer(bytes: checkpoint.head.bytes)), \(AuditTime.string(checkpoint.time)),
                    \(checkpoint.signature))
            """)
    }

    public func checkpoints() async throws -> [AuditCheckpoint] {
        let rows = try await database.query("SELECT position, sequence, head, time, signature FROM audit_checkpoints ORDER BY position")
        var checkpoints: [AuditCheckpoint] = []
        for try await (position, sequence, head, time, signature) in rows.decode((Int64, Int64, ByteBuffer, String, String).self) {
            checkpoints.append(try Self.checkpoint(sequence: sequence, head: head, time: time, signature: signature,
                                                   location: "audit_checkpoints:\(position)"))
        }
        return checkpoints
    }

    /// A checkpoint as stored, its time read back from the text it was signed with.
    static func checkpoint(sequence: Int64, head: ByteBuffer, time: String, signature: String, location: String) throws -> AuditCheckpoint {
        guard let time = AuditTime.parse(time) else { throw AuditStoreError.unreadable(location: location, reason: "the time '\(time)'") }
        return AuditCheckpoint(sequence: UInt64(bitPattern: sequence), head: try hash(head, location: location), time: time, signature: signature)
    }
}
