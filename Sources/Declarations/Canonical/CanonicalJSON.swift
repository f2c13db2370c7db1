import Foundation
import WireFormats

/// A value with one canonical JSON encoding (the rules below), so equal values hash alike.
public protocol CanonicalJSONEncodable {
    /// Appends the value's canonical JSON to `out`.
    func writeCanonicalJSON(to out: inout [UInt8])
}

extension CanonicalJSONEncodable {
    public var canonicalJSON: Data { Data(canonicalJSONBytes) }

    public var canonicalJSONString: String { String(decoding: canonicalJSONBytes, as: UTF8.self) }

    var canonicalJSONBytes: [UInt8] {
        var out: [UInt8] = []
        writeCanonicalJSON(to: &out)
        return out
    }
}

/// The canonical JSON encoding of a ``ConfigValue``:
///
/// - object keys sorted by their UTF-8 bytes, no whitespace anywhere;
/// - integers in decimal, booleans as `true` / `false`;
/// - strings as UTF-8, escaping only `"` and `\` (as `\"` and `\\`) and the
///   control characters below U+0020 (`\b \f \n \r \t`, the others as
///   `\u00XX` with lower-case hex); `/` and non-ASCII characters are written
///   as they are.
///
/// Equal values always encode to the same bytes, so a hash of the encoding
/// identifies the value.
extension ConfigValue: CanonicalJSONEncodable {
    public func writeCanonicalJSON(to out: inout [UInt8]) {
        switch self {
        case .string(let s): ConfigValue.writeString(s, to: &out)
        case .integer(let i): out.append(contentsOf: String(i).utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (n, item) in items.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                item.writeCanonicalJSON(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object:
            out.append(UInt8(ascii: "{"))
            for (n, entry) in sortedEntries.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                ConfigValue.writeString(entry.key, to: &out)
                out.append(UInt8(ascii: ":"))
                entry.value.writeCanonicalJSON(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writeString(_ s: String, to out: inout [UInt8]) {
        CanonicalJSONString.write(s, to: &out)
    }

    /// Parses JSON text (canonical or not) into a value. Strict: `null`,
    /// fractional or exponent numbers, duplicate keys and trailing text are
    /// errors.
    public init(json data: Data) throws(ConfigValueJSONError) {
        var parser = JSONParser(bytes: [UInt8](data))
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == parser.bytes.count else { throw parser.error("unexpected text after the value") }
        self = value
    }
}

/// Why JSON text could not be read as a ``ConfigValue``.
public struct ConfigValueJSONError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Byte offset in the input.
    public var offset: Int
    public var reason: String
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

private struct JSONParser {
    let bytes: [UInt8]
    var index = 0
    static let maxDepth = 128

    init(bytes: [UInt8]) { self.bytes = bytes }

    func error(_ reason: String) -> ConfigValueJSONError { ConfigValueJSONError(offset: index, reason: reason) }

    mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    mutating func expect(_ literal: String) throws(ConfigValueJSONError) {
        let l = Array(literal.utf8)
        guard index + l.count <= bytes.count, Array(bytes[index..<(index + l.count)]) == l else {
            throw error("expected '\(literal)'")
        }
        index += l.count
    }

    mutating func parseValue(depth: Int) throws(ConfigValueJSONError) -> ConfigValue {
        guard depth < JSONParser.maxDepth else { throw error("nested deeper than \(JSONParser.maxDepth) levels") }
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            var object: [String: ConfigValue] = [:]
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(object) }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a string key") }
                let keyOffset = index
                let key = try parseString()
                guard object[key] == nil else {
                    throw ConfigValueJSONError(offset: keyOffset, reason: "duplicate key \"\(key)\"")
                }
                skipWhitespace()
                try expect(":")
                skipWhitespace()
                object[key] = try parseValue(depth: depth + 1)
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of input in an object") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(object) }
                throw error("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            index += 1
            var array: [ConfigValue] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(array) }
            while true {
                skipWhitespace()
                array.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of input in a list") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(array) }
                throw error("expected ',' or ']'")
            }
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try expect("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expect("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            throw error("null is not allowed; leave the field out instead")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .integer(try parseInteger())
        default:
            throw error("unexpected character")
        }
    }

    mutating func parseInteger() throws(ConfigValueJSONError) -> Int {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        let digitsStart = index
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
        guard index > digitsStart else { throw error("expected a digit") }
        if bytes[digitsStart] == UInt8(ascii: "0") && index - digitsStart > 1 {
            throw ConfigValueJSONError(offset: start, reason: "a number cannot have a leading zero")
        }
        if index < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) {
            throw error("only integers are allowed")
        }
        guard let value = Int(String(decoding: bytes[start..<index], as: UTF8.self)) else {
            throw ConfigValueJSONError(offset: start, reason: "integer out of range")
        }
        return value
    }

    mutating func parseString() throws(ConfigValueJSONError) -> String {
        index += 1  // opening quote
        var out: [UInt8] = []
        while true {
            guard index < bytes.count else { throw error("unterminated string") }
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let s = String(validating: out, as: UTF8.self) else { throw error("string is not valid UTF-8") }
                return s
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw error("unterminated escape") }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): out.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        try expect("\\u")
                        let low = try parseHex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("invalid surrogate pair") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default:
                    throw error("invalid escape")
                }
            case 0..<0x20:
                throw error("control character in a string")
            default:
                out.append(byte)
            }
        }
    }

    mutating func parseHex4() throws(ConfigValueJSONError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[index]
            let d: UInt32
            switch b {
            case 0x30...0x39: d = UInt32(b - 0x30)
            case 0x41...0x46: d = UInt32(b - 0x41 + 10)
            case 0x61...0x66: d = UInt32(b - 0x61 + 10)
            default: throw error("invalid hex digit in \\u escape")
            }
            v = v << 4 | d
            index += 1
        }
        return v
    }
}
