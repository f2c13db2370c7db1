import Foundation

/// One entry of the audit log: an event, its place in the log (`sequence`, from 1 with no gap) and the hash of the
/// record before it, which chains every record to all those before (spec/audit.md, "Records").
public struct AuditRecord: Sendable, Hashable {
    public var sequence: UInt64
    public var previous: AuditHash
    public var event: AuditEvent

    /// `event.time` is kept to the millisecond, as the line writes it, so a record read back equals the one written.
    public init(sequence: UInt64, previous: AuditHash, event: AuditEvent) {
        self.sequence = sequence
        self.previous = previous
        var event = event
        event.time = AuditTime.truncated(event.time)
        self.event = event
    }
}

/// A record as stored: its canonical line (no line feed) and what it says. Readers check the line, not the value.
public struct AuditLine: Sendable, Hashable {
    public let bytes: [UInt8]
    public let record: AuditRecord
    /// What the next record names as `prev`: computed once, as the writer and the store both need it.
    public let hash: AuditHash

    public init(_ record: AuditRecord) {
        self.record = record
        bytes = record.canonicalLine()
        hash = AuditHash(ofLine: bytes)
    }

    /// Reads a stored line. Throws when it is not JSON of a record, or not the canonical encoding of the record it
    /// holds: a line edited by hand (even only its spacing) is not a record.
    public init(bytes: [UInt8]) throws(AuditLineError) {
        let record = try AuditRecord(decodingLine: bytes)
        guard record.canonicalLine() == bytes else { throw AuditLineError("not in canonical form") }
        self.bytes = bytes
        self.record = record
        hash = AuditHash(ofLine: bytes)
    }
}

public struct AuditLineError: Error, Sendable, Hashable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
