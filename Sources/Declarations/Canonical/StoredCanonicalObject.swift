import Foundation

/// Why a stored object's canonical JSON could not be read back.
public struct CanonicalObjectError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
}

extension CanonicalObject {
    /// The top-level keys ``writeCanonicalJSON(to:)`` writes, in that order.
    static let topLevelKeys = ["annotations", "kind", "labels", "name", "spec"]

    /// Reads back an object stored as its canonical JSON (e.g. live state, or a change posted to the
    /// admin API) as strictly as YAML is loaded: the JSON must be one object with only the keys the
    /// canonical form writes, its `kind` and `name`, when present, must be `kind` and `name`, its
    /// labels and annotations maps of strings, and its spec one that ``DesiredState/init(canonical:origin:keyChecks:)``
    /// accepts. Throws a ``CanonicalObjectError``, or a ``CanonicalDecodingError`` for the spec. A caller that decodes
    /// the whole configuration with ``DesiredState/init(canonical:origin:keyChecks:)`` next passes
    /// `validatingSpec: false`, so no spec is decoded twice.
    public init(kind kindName: String, name: String, canonicalJSON: String,
                keyChecks: KeyChecks = .structural, validatingSpec: Bool = true) throws {
        guard let kind = DeclarationKind(rawValue: kindName) else {
            let kinds = DeclarationKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw CanonicalObjectError(description: "\(kindName) '\(name)': unknown kind; expected one of: \(kinds)")
        }
        func fail(_ reason: String) -> CanonicalObjectError {
            CanonicalObjectError(description: "\(kind) '\(name)': \(reason)")
        }
        let value: ConfigValue
        do {
            value = try ConfigValue(json: Data(canonicalJSON.utf8))
        } catch {
            throw fail("the stored object is not valid JSON: \(error)")
        }
        guard case .object(let fields) = value else {
            throw fail("the stored object is \(value.typeName), expected an object with kind, name and spec")
        }
        if let unknown = fields.keys.filter({ !Self.topLevelKeys.contains($0) }).sorted().first {
            throw fail("unknown top-level field '\(unknown)'; expected one of: \(Self.topLevelKeys.joined(separator: ", "))")
        }
        for (key, expected) in [("kind", kind.rawValue), ("name", name)] {
            guard let found = fields[key] else { continue }
            guard found == .string(expected) else {
                throw fail("the stored object's \(key) is \(found.canonicalJSONString), expected \"\(expected)\"")
            }
        }
        func strings(_ key: String) throws -> [String: String] {
            guard let found = fields[key] else { return [:] }
            guard case .object(let entries) = found else { throw fail("\(key): expected an object, found \(found.typeName)") }
            return try entries.mapValues { entry in
                guard case .string(let text) = entry else { throw fail("\(key): expected string values, found \(entry.typeName)") }
                return text
            }
        }
        guard let spec = fields["spec"] else { throw fail("spec: missing required field") }
        guard case .object = spec else { throw fail("spec: expected an object, found \(spec.typeName)") }
        self.init(kind: kind, name: name, labels: try strings("labels"), annotations: try strings("annotations"), spec: spec)
        if validatingSpec { _ = try DesiredState(canonical: [self], keyChecks: keyChecks) }
    }
}
