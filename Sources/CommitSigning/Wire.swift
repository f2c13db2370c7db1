import Foundation

/// A failure to read SSH wire-format data (RFC 4251 §5): always a description, never a crash.
struct WireError: Error, Sendable, Equatable {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Reads RFC 4251 data types from a byte buffer with a bounds check before every access.
///
/// Every length field is compared with the bytes actually left before anything is sliced or allocated,
/// so a hostile `uint32` length (say 0xFFFFFFFF) is an error, not an allocation or a trap.
struct WireReader {
    private let bytes: [UInt8]
    private(set) var offset: Int = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }
    init(_ data: Data) { self.bytes = [UInt8](data) }

    var remaining: Int { bytes.count - offset }
    var isAtEnd: Bool { offset == bytes.count }

    mutating func readBytes(_ count: Int, what: String) throws(WireError) -> [UInt8] {
        guard count >= 0, count <= remaining else {
            throw WireError("\(what) is truncated (needs \(count) bytes, \(remaining) left)")
        }
        let slice = Array(bytes[offset..<(offset + count)])
        offset += count
        return slice
    }

    mutating func readUInt32(what: String) throws(WireError) -> UInt32 {
        let b = try readBytes(4, what: what)
        return UInt32(b[0]) << 24 | UInt32(b[1]) << 16 | UInt32(b[2]) << 8 | UInt32(b[3])
    }

    /// `string`: a uint32 length and that many bytes.
    mutating func readString(what: String) throws(WireError) -> [UInt8] {
        let length = try readUInt32(what: "length of \(what)")
        guard Int(length) <= remaining else {
            throw WireError("length of \(what) (\(length)) exceeds the \(remaining) bytes left")
        }
        return try readBytes(Int(length), what: what)
    }

    /// A `string` holding text: must be valid UTF-8 without NUL bytes.
    mutating func readText(what: String) throws(WireError) -> String {
        let raw = try readString(what: what)
        guard !raw.contains(0), let text = String(validating: raw, as: UTF8.self) else {
            throw WireError("\(what) is not valid text")
        }
        return text
    }

    /// `mpint` holding a non-negative integer; returns its magnitude without leading zero bytes.
    mutating func readPositiveMPInt(what: String) throws(WireError) -> [UInt8] {
        let raw = try readString(what: what)
        if let first = raw.first, first & 0x80 != 0 {
            throw WireError("\(what) is negative")
        }
        return Array(raw.drop(while: { $0 == 0 }))
    }

    func expectEnd(_ what: String) throws(WireError) {
        guard isAtEnd else { throw WireError("\(remaining) unexpected bytes after \(what)") }
    }
}

/// Builds RFC 4251 data.
struct WireWriter {
    private(set) var bytes: [UInt8] = []

    mutating func writeRaw<S: Sequence>(_ raw: S) where S.Element == UInt8 { bytes.append(contentsOf: raw) }

    mutating func writeUInt32(_ value: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    mutating func writeString<C: Collection>(_ raw: C) where C.Element == UInt8 {
        writeUInt32(UInt32(raw.count))
        bytes.append(contentsOf: raw)
    }

    mutating func writeString(_ text: String) { writeString(Array(text.utf8)) }

    /// `mpint` for a non-negative magnitude (leading zeros stripped, a zero byte added when the top bit is set).
    mutating func writePositiveMPInt(_ magnitude: [UInt8]) {
        let trimmed = Array(magnitude.drop(while: { $0 == 0 }))
        if let first = trimmed.first, first & 0x80 != 0 {
            writeString([0] + trimmed)
        } else {
            writeString(trimmed)
        }
    }
}

enum Base64 {
    /// Strict standard base64 (RFC 4648 §4) with `=` padding; no whitespace or other characters accepted.
    static func decode(_ text: Substring) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard !chars.isEmpty, chars.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 4 * 3)
        var index = 0
        while index < chars.count {
            var quad: [UInt8] = [0, 0, 0, 0]
            var padding = 0
            for k in 0..<4 {
                let c = chars[index + k]
                if c == UInt8(ascii: "=") {
                    // Padding only in the last group's last two places, and nothing but padding after it.
                    guard index + 4 == chars.count, k >= 2 else { return nil }
                    padding += 1
                    quad[k] = 0
                } else {
                    guard padding == 0, let v = value(of: c) else { return nil }
                    quad[k] = v
                }
            }
            let triple = UInt32(quad[0]) << 18 | UInt32(quad[1]) << 12 | UInt32(quad[2]) << 6 | UInt32(quad[3])
            out.append(UInt8(truncatingIfNeeded: triple >> 16))
            if padding < 2 { out.append(UInt8(truncatingIfNeeded: triple >> 8)) }
            if padding < 1 { out.append(UInt8(truncatingIfNeeded: triple)) }
            index += 4
        }
        return out
    }

    static func decode(_ text: String) -> [UInt8]? { decode(text[...]) }

    static func encode<C: Collection>(_ bytes: C, padding: Bool = true) -> String where C.Element == UInt8 {
        var encoded = Data(bytes).base64EncodedString()
        if !padding { while encoded.hasSuffix("=") { encoded.removeLast() } }
        return encoded
    }

    private static func value(of c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): c - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): c - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
