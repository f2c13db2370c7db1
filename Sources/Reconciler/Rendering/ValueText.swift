import Declarations

/// How values look in the text and Markdown renderings.
enum ValueText {
    /// Strings JSON-quoted (`"confidential"`, newlines as `\n`), integers and
    /// booleans bare, lists `["a", "b"]`, objects `{team = "payments"}`.
    static func render(_ value: ConfigValue) -> String {
        switch value {
        case .string: return value.canonicalJSONString
        case .integer(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .array(let items): return "[" + items.map(render).joined(separator: ", ") + "]"
        case .object:
            return "{" + value.sortedEntries.map { "\($0.key) = \(render($0.value))" }.joined(separator: ", ") + "}"
        }
    }

    /// The before or after side of a field; a sensitive value as
    /// `(sensitive value)`, never its content.
    static func side(_ value: ConfigValue?, of field: FieldChange) -> String {
        guard let value else { return "null" }
        if field.sensitive { return "(sensitive value)" }
        return render(value)
    }

    /// One field line without its indentation: `~ path = a -> b`,
    /// `+ path = b`, `- path = a -> null`. `width` pads the path.
    static func line(_ field: FieldChange, width: Int) -> (marker: Character, text: String) {
        let path = field.path.padding(toLength: max(width, field.path.count), withPad: " ", startingAt: 0)
        switch (field.before, field.after) {
        case (nil, _):
            return ("+", "\(path) = \(side(field.after, of: field))")
        case (_, nil):
            return ("-", "\(path) = \(side(field.before, of: field)) -> null")
        default:
            return ("~", "\(path) = \(side(field.before, of: field)) -> \(side(field.after, of: field))")
        }
    }

    static func sourceLine(_ source: PlanSource) -> String? {
        var parts: [String] = []
        if let commit = source.commit { parts.append("commit \(commit)") }
        if let author = source.author { parts.append("author \(author)") }
        if let ref = source.ref { parts.append("ref \(ref)") }
        if let path = source.path { parts.append("path \(path)") }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    static func totals(_ summary: PlanSummary) -> String {
        "Plan: \(summary.create) to create, \(summary.update) to update, \(summary.delete) to delete."
    }

    static let noChanges = "No changes. The registry matches the declarations."

    /// `payments/api uses 1.4GiB, over its new quota 1GiB (tier internal): pushes that add blobs will be refused`.
    static func quotaWarning(_ warning: QuotaWarning) -> String {
        "\(warning.repository) uses \(ByteSize.readable(warning.usedBytes)), over its new quota \(warning.quota) (\(warning.source)): "
            + "pushes that add blobs will be refused until its usage drops"
    }

    /// `payments/api: 37 tags would be deleted (keepLast 50 → keepLast 20)`, with the tags newly kept when there are any.
    static func retention(_ consequence: RetentionConsequence) -> String {
        var parts: [String] = []
        if consequence.deletedTags > 0 { parts.append("\(consequence.deletedTags) tag\(consequence.deletedTags == 1 ? "" : "s") would be deleted") }
        if consequence.keptTags > 0 { parts.append("\(consequence.keptTags) tag\(consequence.keptTags == 1 ? "" : "s") newly kept") }
        return "\(consequence.repository): \(parts.joined(separator: ", ")) (\(consequence.change))"
    }

    /// `payments/api: 3 images will be quarantined (after the apply it needs …)`.
    static func consequence(_ consequence: ImageConsequence) -> String {
        let images = "\(consequence.count) image\(consequence.count == 1 ? "" : "s")"
        let effect = consequence.effect == .quarantine ? "will be quarantined" : "will be released"
        return "\(consequence.repository): \(images) \(effect) (\(consequence.reason))"
    }

    static func verb(_ action: Change.Action) -> String {
        switch action {
        case .create: return "will be created"
        case .update: return "will be updated in place"
        case .delete: return "will be destroyed"
        }
    }
}
