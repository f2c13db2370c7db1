import Crypto
import Foundation
import WireFormats

/// A signed statement that the log held `sequence` records and that the last of them hashed to `head` (spec/audit.md,
/// "Checkpoints"). Whoever keeps a copy can later prove the log was not cut short or rewritten before that point.
public struct AuditCheckpoint: Sendable, Hashable, Codable {
    public var sequence: UInt64
    public var head: AuditHash
    public var time: Date
    /// Ed25519 over ``signedBytes``, base64.
    public var signature: String

    enum CodingKeys: String, CodingKey {
        case sequence = "seq", head, time, signature
    }

    /// What the signature covers: `berth-audit-checkpoint/v1`, the sequence, the head hash and the time, each on its own
    /// line ending in a line feed.
    public static func signedBytes(sequence: UInt64, head: AuditHash, time: Date) -> [UInt8] {
        Array("berth-audit-checkpoint/v1\n\(sequence)\n\(head)\n\(AuditTime.string(time))\n".utf8)
    }

    public static func signed(sequence: UInt64, head: AuditHash, time: Date, key: Curve25519.Signing.PrivateKey) throws -> AuditCheckpoint {
        let time = AuditTime.truncated(time)
        let signature = try key.signature(for: signedBytes(sequence: sequence, head: head, time: time))
        return AuditCheckpoint(sequence: sequence, head: head, time: time, signature: Base64.encode(signature))
    }

    public init(sequence: UInt64, head: AuditHash, time: Date, signature: String) {
        self.sequence = sequence
        self.head = head
        self.time = time
        self.signature = signature
    }

    public func isSigned(by key: Curve25519.Signing.PublicKey) -> Bool {
        guard let signature = Base64.decode(signature) else { return false }
        return key.isValidSignature(signature, for: Self.signedBytes(sequence: sequence, head: head, time: time))
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sequence = try container.decode(UInt64.self, forKey: .sequence)
        let headText = try container.decode(String.self, forKey: .head)
        guard let head = AuditHash(hex: headText) else {
            throw DecodingError.dataCorruptedError(forKey: .head, in: container, debugDescription: "not a SHA-256 in hex")
        }
        self.head = head
        let timeText = try container.decode(String.self, forKey: .time)
        guard let time = AuditTime.parse(timeText) else {
            throw DecodingError.dataCorruptedError(forKey: .time, in: container, debugDescription: "not RFC 3339 UTC to the millisecond")
        }
        self.time = time
        signature = try container.decode(String.self, forKey: .signature)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sequence, forKey: .sequence)
        try container.encode(head.description, forKey: .head)
        try container.encode(AuditTime.string(time), forKey: .time)
        try container.encode(signature, forKey: .signature)
    }
}
