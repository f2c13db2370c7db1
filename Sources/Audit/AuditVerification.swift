import AuditRecords
import Crypto
import Foundation
import Storage

/// What `berth audit verify` found: the chain checked from its anchor to its end, and the first record that breaks it.
public struct AuditVerification: Sendable {
    public struct Break: Sendable, Hashable, CustomStringConvertible {
        /// The first sequence number that is not as written.
        public var sequence: UInt64
        public var reason: String
        public var description: String { "record \(sequence): \(reason)" }
    }

    /// The first record checked (after the anchor), and the last.
    public var first: UInt64
    public var last: UInt64
    public var checkpointsChecked: Int
    public var anchored: Bool
    public var failure: Break?

    public var isIntact: Bool { failure == nil }
}

extension AuditVerification {
    /// Walks the whole chain in `store`: every line canonical, numbered one after the other from the anchor, each
    /// naming the hash of the one before; then every stored checkpoint, and `kept` (a checkpoint someone saved), must be
    /// signed by `key` and match the chain at its sequence. A checkpoint past the end means the log was cut short.
    public static func check(_ store: any AuditStore, key: Curve25519.Signing.PublicKey?, kept: AuditCheckpoint? = nil) async throws -> AuditVerification {
        var checkpoints = try await store.checkpoints()
        let anchor = try await store.anchor()
        var result = AuditVerification(first: (anchor?.sequence ?? 0) + 1, last: anchor?.sequence ?? 0, checkpointsChecked: 0, anchored: anchor != nil)
        func broken(_ sequence: UInt64, _ reason: String) -> AuditVerification {
            var failed = result
            failed.failure = Break(sequence: sequence, reason: reason)
            return failed
        }
        var previous = AuditHead.empty
        if let anchor {
            guard let key, anchor.isSigned(by: key) else {
                return broken(anchor.sequence + 1, "the anchor (retention's starting point, record \(anchor.sequence)) is not signed by the audit key")
            }
            previous = AuditHead(sequence: anchor.sequence, hash: anchor.head)
        }
        if let kept { checkpoints.append(kept) }
        for checkpoint in checkpoints where !(key.map(checkpoint.isSigned(by:)) ?? false) {
            return broken(checkpoint.sequence, "a checkpoint at record \(checkpoint.sequence) is not signed by the audit key")
        }
        // Two signed checkpoints that disagree about one record cannot both hold: the zero hash matches no record, so
        // that record is reported.
        var wanted = Dictionary(checkpoints.map { ($0.sequence, $0.head) }, uniquingKeysWith: { first, second in first == second ? first : .zero })
        var location = previous.sequence
        while true {
            let lines = try await store.lines(after: location, limit: 10_000)
            guard !lines.isEmpty else { break }
            for stored in lines {
                let expected = previous.sequence + 1
                let line: AuditLine
                do {
                    line = try AuditLine(bytes: stored.bytes)
                } catch {
                    return broken(expected, "the line at \(stored.location) is not a record as Berth writes it (\(error)): edited")
                }
                let sequence = line.record.sequence
                if sequence > expected {
                    return broken(expected, "missing: record \(sequence) is where record \(expected) should be (\(stored.location)); records were deleted or reordered")
                }
                if sequence < expected {
                    return broken(sequence, "out of place: record \(sequence) appears again after record \(previous.sequence) (\(stored.location)); records were reordered or inserted")
                }
                if line.record.previous != previous.hash {
                    let earlier = previous.sequence
                    return broken(earlier == result.first - 1 ? sequence : max(earlier, result.first),
                                  earlier == result.first - 1
                                      ? "does not continue from the anchor (\(stored.location))"
                                      : "record \(sequence) (\(stored.location)) does not name the hash of record \(earlier): record \(earlier) was edited or replaced, or record \(sequence) was")
                }
                let hash = line.hash
                if let signed = wanted[sequence] {
                    guard signed == hash else {
                        return broken(sequence, "does not match the signed checkpoint at \(sequence): edited, or the segment holding it was replaced")
                    }
                    result.checkpointsChecked += checkpoints.filter { $0.sequence == sequence }.count
                    wanted[sequence] = nil
                }
                previous = AuditHead(sequence: sequence, hash: hash)
                result.last = sequence
            }
            location = previous.sequence
        }
        // Checkpoints at or before the anchor were removed with their records; the anchor itself vouches for them.
        if let missing = wanted.keys.filter({ $0 > (anchor?.sequence ?? 0) }).min() {
            return broken(previous.sequence + 1, "the log ends at record \(previous.sequence) but a signed checkpoint covers record \(missing): records were cut off the end")
        }
        return result
    }
}
