/// Builds RFC 4251 data (as in SSH keys and signatures).
public struct SSHWireWriter {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func writeRaw<S: Sequence>(_ raw: S) where S.Element == UInt8 { bytes.append(contentsOf: raw) }

    public mutating func writeUInt32(_ value: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    public mutating func writeString<C: Collection>(_ raw: C) where C.Element == UInt8 {
        writeUInt32(UInt32(raw.count))
        bytes.append(contentsOf: raw)
    }

    public mutating func writeString(_ text: String) { writeString(Array(text.utf8)) }

    /// `mpint` for a non-negative magnitude: minimal (leading zeros stripped), with a zero byte added
    /// when the top bit is set so it does not read as negative.
    public mutating func writePositiveMPInt(_ magnitude: [UInt8]) {
        let trimmed = Array(magnitude.drop(while: { $0 == 0 }))
        if let first = trimmed.first, first & 0x80 != 0 {
            writeString([0] + trimmed)
        } else {
            writeString(trimmed)
        }
    }
}
