import Foundation

/// One declared object in normalized data form: what the reconciler diffs,
/// what a plan carries, and what the registry stores as live state.
///
/// The spec holds canonical strings for typed values (durations `30d`, sizes
/// `50GiB`, dates `2027-01-31`, tag and repository patterns, re-wrapped PEM
/// keys), omits fields that were not declared, and sorts every list whose
/// order carries no meaning. Two declarations that mean the same thing have
/// equal canonical objects. See `spec/plan.md` for the shape of every kind.
///
/// `labels` and `annotations` are the object's metadata; they are part of the
/// object (a change to them is a change to apply) and omitted when empty.
public struct CanonicalObject: Sendable, Hashable, Codable, Comparable, CanonicalJSONEncodable {
    public var kind: DeclarationKind
    public var name: String
    public var labels: [String: String]
    public var annotations: [String: String]
    /// Always an object.
    public var spec: ConfigValue

    public init(kind: DeclarationKind, name: String, labels: [String: String] = [:],
                annotations: [String: String] = [:], spec: ConfigValue) {
        self.kind = kind
        self.name = name
        self.labels = labels
        self.annotations = annotations
        self.spec = spec
    }

    /// Orders by kind (``DeclarationKind`` order), then name (UTF-8 bytes).
    public static func < (lhs: CanonicalObject, rhs: CanonicalObject) -> Bool {
        if lhs.kind != rhs.kind { return lhs.kind < rhs.kind }
        return ConfigValue.keyPrecedes(lhs.name, rhs.name)
    }

    /// `Tier/confidential`
    public var id: String { "\(kind.rawValue)/\(name)" }

    /// The whole object as one value:
    /// `{"annotations":{…},"kind":"Tier","labels":{…},"name":"…","spec":{…}}`,
    /// `labels` and `annotations` only when not empty.
    public var configValue: ConfigValue {
        var object: [String: ConfigValue] = [
            "kind": .string(kind.rawValue),
            "name": .string(name),
            "spec": spec,
        ]
        if !labels.isEmpty { object["labels"] = .object(labels.mapValues { .string($0) }) }
        if !annotations.isEmpty { object["annotations"] = .object(annotations.mapValues { .string($0) }) }
        return .object(object)
    }

    /// Writes the canonical JSON of ``configValue`` without building that
    /// value: its keys are fixed, so they are written in byte order here
    /// rather than sorted for every object.
    public func writeCanonicalJSON(to out: inout [UInt8]) {
        var first = true
        func key(_ name: String) {
            out.append(UInt8(ascii: first ? "{" : ","))
            first = false
            ConfigValue.writeString(name, to: &out)
            out.append(UInt8(ascii: ":"))
        }
        func strings(_ values: [String: String]) {
            out.append(UInt8(ascii: "{"))
            for (n, key) in values.keys.sorted(by: ConfigValue.keyPrecedes).enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                ConfigValue.writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                ConfigValue.writeString(values[key]!, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        if !annotations.isEmpty {
            key("annotations")
            strings(annotations)
        }
        key("kind")
        ConfigValue.writeString(kind.rawValue, to: &out)
        if !labels.isEmpty {
            key("labels")
            strings(labels)
        }
        key("name")
        ConfigValue.writeString(name, to: &out)
        key("spec")
        spec.writeCanonicalJSON(to: &out)
        out.append(UInt8(ascii: "}"))
    }

    // MARK: Whole states

    /// The canonical JSON of a whole state: a JSON array of the objects'
    /// canonical JSON, sorted by kind then name. Input order does not matter.
    public static func canonicalJSON(of objects: [CanonicalObject]) -> Data {
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (n, object) in objects.sorted().enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            object.writeCanonicalJSON(to: &out)
        }
        out.append(UInt8(ascii: "]"))
        return Data(out)
    }

    // MARK: Codable

    private enum CodingKeys: String, CodingKey {
        case kind, name, labels, annotations, spec
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(DeclarationKind.self, forKey: .kind)
        name = try c.decode(String.self, forKey: .name)
        labels = try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        annotations = try c.decodeIfPresent([String: String].self, forKey: .annotations) ?? [:]
        spec = try c.decode(ConfigValue.self, forKey: .spec)
        guard case .object = spec else {
            throw DecodingError.dataCorruptedError(forKey: .spec, in: c, debugDescription: "spec must be an object")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(name, forKey: .name)
        if !labels.isEmpty { try c.encode(ConfigValue.object(labels.mapValues { .string($0) }), forKey: .labels) }
        if !annotations.isEmpty {
            try c.encode(ConfigValue.object(annotations.mapValues { .string($0) }), forKey: .annotations)
        }
        try c.encode(spec, forKey: .spec)
    }
}

extension DeclarationKind: Codable {}

extension DeclarationKind {
    /// Spec fields (dotted paths) whose values are secret enough never to be
    /// shown in a plan: only `User.passwordHash`. Public keys (Signer keys,
    /// robot recipients) are not secret.
    public var sensitiveFields: Set<String> {
        switch self {
        case .user: return ["passwordHash"]
        default: return []
        }
    }
}
