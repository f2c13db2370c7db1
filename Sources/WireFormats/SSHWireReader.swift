/// A failure to read SSH wire-format data (RFC 4251 §5): always a description, never a crash.
public struct SSHWireError: Error, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
}

/// Reads RFC 4251 data types (as in SSH keys and signatures) with a bounds check before every access.
///
/// Every length field is compared with the bytes actually left before anything is sliced or allocated,
/// so a hostile `uint32` length (say 0xFFFFFFFF) is an error, not an allocation or a trap. `what` names
/// the field in the error message.
public struct SSHWireReader {
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: some Sequence<UInt8>) { self.bytes = Array(bytes) }

    private var remaining: Int { bytes.count - offset }
    public var isAtEnd: Bool { offset == bytes.count }

    public mutating func readBytes(_ count: Int, what: String) throws(SSHWireError) -> [UInt8] {
        guard count >= 0, count <= remaining else {
            throw SSHWireError("\(what) is truncated (needs \(count) bytes, \(remaining) left)")
        }
        let slice = Array(bytes[offset..<(offset + count)])
        offset += count
        return slice
    }

    public mutating func readUInt32(what: String) throws(SSHWireError) -> UInt32 {
        let b = try readBytes(4, what: what)
        return UInt32(b[0]) << 24 | UInt32(b[1]) << 16 | UInt32(b[2]) << 8 | UInt32(b[3])
    }

    /// `string`: a uint32 length and that many bytes.
    public mutating func readString(what: String) throws(SSHWireError) -> [UInt8] {
        let length = try readUInt32(what: "length of \(what)")
        guard Int(length) <= remaining else {
            throw SSHWireError("length of \(what) (\(length)) exceeds the \(remaining) bytes left")
        }
        return try readBytes(Int(length), what: what)
    }

    /// A `string` holding text: must be valid UTF-8 without NUL bytes.
    public mutating func readText(what: String) throws(SSHWireError) -> String {
        let raw = try readString(what: what)
        guard !raw.contains(0), let text = String(validating: raw, as: UTF8.self) else {
            throw SSHWireError("\(what) is not valid text")
        }
        return text
    }

    /// `mpint` holding a non-negative integer; returns its magnitude without leading zero bytes
    /// (empty for zero, which callers that need a positive value must refuse).
    public mutating func readPositiveMPInt(what: String) throws(SSHWireError) -> [UInt8] {
        let raw = try readString(what: what)
        if let first = raw.first, first & 0x80 != 0 {
            throw SSHWireError("\(what) is negative")
        }
        return Array(raw.drop(while: { $0 == 0 }))
    }

    public func expectEnd(_ what: String) throws(SSHWireError) {
        guard isAtEnd else { throw SSHWireError("\(remaining) unexpected bytes after \(what)") }
    }
}
