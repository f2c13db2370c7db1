import Foundation

/// A JSON object from a signature, with lookups that fail as a `Rejection` naming the field and what is wrong with it.
///
/// Read through `JSONSerialization` rather than `Decodable` types: the forms need case-insensitive names (cosign) and
/// field-by-field reasons, and its parser already bounds nesting depth, so deep hostile JSON fails instead of recursing.
struct JSONObject {
    private let fields: [String: Any]
    /// Where this object sits, for reasons: "the payload", "critical.image".
    let path: String

    init(parsing bytes: some Collection<UInt8>, what: String) throws(Rejection) {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            throw .malformed("\(what) is not valid JSON")
        }
        guard let fields = parsed as? [String: Any] else { throw .malformed("\(what) is not a JSON object") }
        self.fields = fields
        self.path = what
    }

    private init(fields: [String: Any], path: String) {
        self.fields = fields
        self.path = path
    }

    func has(_ key: String) -> Bool { fields[key] != nil && !(fields[key] is NSNull) }

    func optionalString(_ key: String) throws(Rejection) -> String? {
        try optional(key, as: String.self, "a string")
    }

    func string(_ key: String) throws(Rejection) -> String {
        try required(optionalString(key), key)
    }

    func optionalObject(_ key: String) throws(Rejection) -> JSONObject? {
        try optional(key, as: [String: Any].self, "an object").map { JSONObject(fields: $0, path: name(key)) }
    }

    func object(_ key: String) throws(Rejection) -> JSONObject {
        try required(optionalObject(key), key)
    }

    func optionalArray(_ key: String) throws(Rejection) -> [Any]? {
        try optional(key, as: [Any].self, "an array")
    }

    func array(_ key: String) throws(Rejection) -> [Any] {
        try required(optionalArray(key), key)
    }

    /// The elements of an array that must all be objects.
    func objects(_ key: String) throws(Rejection) -> [JSONObject] {
        var objects: [JSONObject] = []
        for (index, element) in try array(key).enumerated() {
            guard let fields = element as? [String: Any] else { throw .malformed("\(name(key))[\(index)] is not an object") }
            objects.append(JSONObject(fields: fields, path: "\(name(key))[\(index)]"))
        }
        return objects
    }

    /// The elements of an array that must all be strings.
    func strings(_ key: String) throws(Rejection) -> [String] {
        let elements = try array(key)
        guard let strings = elements as? [String] else { throw .malformed("\(name(key)) is not an array of strings") }
        return strings
    }

    /// A copy whose names are matched ignoring case, as Go's encoding/json (and so cosign) matches struct fields.
    /// Two names that differ only in case are refused: Go would take whichever comes last, which this cannot see.
    func ignoringCase() throws(Rejection) -> JSONObject {
        var folded: [String: Any] = [:]
        for (key, value) in fields {
            guard folded.updateValue(value, forKey: key.lowercased()) == nil else {
                throw .malformed("\(path) names \"\(key.lowercased())\" twice, in different cases")
            }
        }
        return JSONObject(fields: folded, path: path)
    }

    private func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private func optional<T>(_ key: String, as type: T.Type, _ kind: String) throws(Rejection) -> T? {
        guard let value = fields[key], !(value is NSNull) else { return nil }
        guard let typed = value as? T else {
            throw .malformed("\(name(key)) is not \(kind)")
        }
        return typed
    }

    private func required<T>(_ value: T?, _ key: String) throws(Rejection) -> T {
        guard let value else { throw .malformed("\(name(key)) is missing") }
        return value
    }
}
