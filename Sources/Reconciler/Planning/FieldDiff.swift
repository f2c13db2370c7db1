import Declarations

/// Field-by-field comparison of two versions of one object.
enum FieldDiff {
    /// The fields that differ between `before` and `after` (either may be
    /// nil: then every field of the other is listed), metadata first, then
    /// the spec in key order. Sensitive fields are redacted.
    static func changes(before: CanonicalObject?, after: CanonicalObject?) -> [FieldChange] {
        let kind = (after ?? before)!.kind
        var out: [FieldChange] = []
        func labels(_ values: [String: String]?) -> ConfigValue? {
            guard let values, !values.isEmpty else { return nil }
            return .object(values.mapValues { .string($0) })
        }
        walk(labels(before?.labels), labels(after?.labels), path: "metadata.labels", into: &out)
        walk(labels(before?.annotations), labels(after?.annotations), path: "metadata.annotations", into: &out)
        walk(before?.spec, after?.spec, path: "", into: &out)
        let sensitive = kind.sensitiveFields
        guard !sensitive.isEmpty else { return out }
        return out.map { field in
            guard sensitive.contains(field.path) else { return field }
            return FieldChange(path: field.path, before: field.before.map { _ in FieldChange.redacted },
                               after: field.after.map { _ in FieldChange.redacted }, sensitive: true)
        }
    }

    /// Objects are walked key by key (sorted); anything else (and an empty
    /// object) is a leaf compared whole.
    private static func walk(_ before: ConfigValue?, _ after: ConfigValue?, path: String, into out: inout [FieldChange]) {
        let beforeObject = before?.objectValue
        let afterObject = after?.objectValue
        let isObject = (before == nil || beforeObject != nil) && (after == nil || afterObject != nil)
            && (before != nil || after != nil)
        if isObject {
            var keys = Set<String>()
            if let beforeObject { keys.formUnion(beforeObject.keys) }
            if let afterObject { keys.formUnion(afterObject.keys) }
            // An empty object on both sides (or one side absent) is a leaf,
            // so that adding or removing `{}` still shows; an empty spec has
            // no field at all.
            if !keys.isEmpty || path.isEmpty {
                for key in keys.sorted(by: ConfigValue.keyPrecedes) {
                    walk(beforeObject?[key], afterObject?[key], path: join(path, key), into: &out)
                }
                return
            }
        }
        if before != after {
            out.append(FieldChange(path: path, before: before, after: after))
        }
    }

    /// `a.b`, or `a["odd key"]` for keys that are not plain identifiers.
    static func join(_ path: String, _ key: String) -> String {
        let plain = !key.isEmpty && key.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
        }
        if plain { return path.isEmpty ? key : "\(path).\(key)" }
        return "\(path)[\(ConfigValue.string(key).canonicalJSONString)]"
    }
}
