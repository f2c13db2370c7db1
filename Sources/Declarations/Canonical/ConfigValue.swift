import Foundation

/// A JSON-like value: the data form of a declared object's spec.
///
/// Only what declarations need: strings, integers, booleans, arrays and
/// objects (no floating point, no null — an absent field is simply not in its
/// object). Objects are dictionaries, so two objects with the same entries are
/// equal whatever order they were built in; every encoding and every walk over
/// an object visits its keys sorted by their UTF-8 bytes
/// (``ConfigValue/sortedEntries``).
///
/// ``canonicalJSON`` is the deterministic encoding used for fingerprints:
/// sorted keys, no whitespace, minimal string escaping.
public enum ConfigValue: Sendable, Hashable {
    case string(String)
    case integer(Int)
    case bool(Bool)
    case array([ConfigValue])
    case object([String: ConfigValue])

    /// Orders keys the way every encoding does: by their UTF-8 bytes.
    public static func keyPrecedes(_ a: String, _ b: String) -> Bool {
        // memcmp on the contiguous UTF-8 (native and small strings have it): the generic
        // element-by-element walk of the UTF-8 views dominated sorting tens of thousands of names.
        let fast = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y in
                let shared = Swift.min(x.count, y.count)
                let order = shared == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, shared)
                return order != 0 ? order < 0 : x.count < y.count
            }
        }
        return (fast ?? nil) ?? a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// The entries of an object sorted by key (UTF-8 byte order); empty for
    /// other values.
    public var sortedEntries: [(key: String, value: ConfigValue)] {
        guard case .object(let entries) = self else { return [] }
        return entries.sorted { ConfigValue.keyPrecedes($0.key, $1.key) }
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var arrayValue: [ConfigValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var objectValue: [String: ConfigValue]? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The value of an object's field; nil for a missing field or a value
    /// that is not an object.
    public subscript(_ key: String) -> ConfigValue? {
        objectValue?[key]
    }

    /// The value at a dotted path of object keys (`retention.keepLast`).
    public subscript(path path: String) -> ConfigValue? {
        var current: ConfigValue? = self
        for key in path.split(separator: ".", omittingEmptySubsequences: false) {
            current = current?.objectValue?[String(key)]
        }
        return current
    }

    /// A short name for the value's type, for error messages.
    public var typeName: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .bool: return "a boolean"
        case .array: return "a list"
        case .object: return "an object"
        }
    }
}

extension ConfigValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: ConfigValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, ConfigValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

// MARK: Codable

extension ConfigValue: Codable {
    struct DynamicKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        // Codable has no way to ask a value's type: try the commonest first
        // (every failed try costs an error value).
        if let single = try? decoder.singleValueContainer() {
            if let s = try? single.decode(String.self) {
                self = .string(s)
                return
            }
            if let b = try? single.decode(Bool.self) {
                self = .bool(b)
                return
            }
            if let i = try? single.decode(Int.self) {
                self = .integer(i)
                return
            }
        }
        if let keyed = try? decoder.container(keyedBy: DynamicKey.self) {
            var object: [String: ConfigValue] = [:]
            object.reserveCapacity(keyed.allKeys.count)
            for key in keyed.allKeys {
                object[key.stringValue] = try keyed.decode(ConfigValue.self, forKey: key)
            }
            self = .object(object)
            return
        }
        if var unkeyed = try? decoder.unkeyedContainer() {
            var array: [ConfigValue] = []
            while !unkeyed.isAtEnd { array.append(try unkeyed.decode(ConfigValue.self)) }
            self = .array(array)
            return
        }
        let single = try decoder.singleValueContainer()
        throw DecodingError.dataCorruptedError(
            in: single, debugDescription: "expected a string, an integer, a boolean, a list or an object (null and fractional numbers are not allowed)")
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .integer(let i):
            var c = encoder.singleValueContainer()
            try c.encode(i)
        case .bool(let b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case .array(let items):
            var c = encoder.unkeyedContainer()
            for item in items { try c.encode(item) }
        case .object:
            var c = encoder.container(keyedBy: DynamicKey.self)
            for (key, value) in sortedEntries { try c.encode(value, forKey: DynamicKey(stringValue: key)) }
        }
    }
}
