import Crypto
import WireFormats
import Foundation

/// A SHA-256 in the chain: of a record's canonical line, or the zero hash the first record follows.
public struct AuditHash: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// What record 1 names as its previous record.
    public static let zero = AuditHash(bytes: [UInt8](repeating: 0, count: 32))

    public init(bytes: [UInt8]) {
        precondition(bytes.count == 32)
        self.bytes = bytes
    }

    /// The hash of a record's canonical line, without its line feed.
    public init(ofLine line: some DataProtocol) {
        bytes = Array(SHA256.hash(data: line))
    }

    /// Lower-case hex, 64 characters; nil for anything else.
    public init?(hex: some StringProtocol) {
        guard hex.utf8.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var high: UInt8?
        for character in hex.utf8 {
            let nibble: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = character - UInt8(ascii: "a") + 10
            default: return nil
            }
            if let first = high {
                bytes.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        self.bytes = bytes
    }

    public var description: String { Hex.string(bytes) }
}
