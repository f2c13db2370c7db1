import Declarations

/// One field of one object that a change sets, alters or removes.
///
/// `path` is the dotted spec path (`retention.keepLast`); metadata fields are
/// `metadata.labels.<key>` and `metadata.annotations.<key>` (keys that are
/// not plain identifiers are quoted: `metadata.annotations["berth.dev/owner"]`).
/// Lists are compared and shown whole.
///
/// `before` is nil when the field is added, `after` nil when it is removed.
/// A **sensitive** field (`User.passwordHash`) never carries its values here:
/// `before` and `after` hold the placeholder ``FieldChange/redacted`` instead,
/// so no rendering of the plan can show them. The value that apply writes is
/// in the change's ``Change/after`` object.
public struct FieldChange: Sendable, Hashable, Codable {
    public var path: String
    public var before: ConfigValue?
    public var after: ConfigValue?
    public var sensitive: Bool

    /// What a sensitive value is shown as, everywhere: `(sensitive value)`.
    public static let redacted = ConfigValue.string("(sensitive value)")

    public init(path: String, before: ConfigValue?, after: ConfigValue?, sensitive: Bool = false) {
        self.path = path
        self.before = before
        self.after = after
        self.sensitive = sensitive
    }

    private enum CodingKeys: String, CodingKey { case path, before, after, sensitive }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        path = try c.decode(String.self, forKey: .path)
        before = try c.decodeIfPresent(ConfigValue.self, forKey: .before)
        after = try c.decodeIfPresent(ConfigValue.self, forKey: .after)
        sensitive = try c.decodeIfPresent(Bool.self, forKey: .sensitive) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encodeIfPresent(before, forKey: .before)
        try c.encodeIfPresent(after, forKey: .after)
        if sensitive { try c.encode(true, forKey: .sensitive) }
    }
}

/// One object to create, update or delete.
public struct Change: Sendable, Hashable, Codable {
    public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
        /// Declared in git, absent from the registry.
        case create
        /// In both, with different fields.
        case update
        /// In the registry, no longer declared in git (pruned).
        case delete
    }

    public var action: Action
    public var kind: DeclarationKind
    public var name: String
    /// Field by field: every field for a create (before nil) or a delete
    /// (after nil), the differing ones for an update. Sorted by path.
    public var fields: [FieldChange]
    /// Deletes data or access that git cannot bring back; apply requires an
    /// explicit opt-in.
    public var destructive: Bool
    /// Why: `reasons[0]` is the cause of the action ("declared in git but
    /// absent from the registry", "fields changed in git: …", "not declared in
    /// git (would be pruned)"). When `destructive`, the following reasons say
    /// what is destroyed; otherwise they are notes.
    public var reasons: [String]
    /// The object as apply writes it (with real sensitive values); nil for a
    /// delete.
    public var after: CanonicalObject?

    public init(action: Action, kind: DeclarationKind, name: String, fields: [FieldChange],
                destructive: Bool = false, reasons: [String], after: CanonicalObject?) {
        self.action = action
        self.kind = kind
        self.name = name
        self.fields = fields
        self.destructive = destructive
        self.reasons = reasons
        self.after = after
    }

    /// `Tier/confidential`
    public var id: String { "\(kind.rawValue)/\(name)" }

    /// The reasons after the first: what makes the change destructive, or
    /// notes.
    public var details: ArraySlice<String> { reasons.dropFirst() }

    private enum CodingKeys: String, CodingKey { case action, kind, name, fields, destructive, reasons, after }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        action = try c.decode(Action.self, forKey: .action)
        kind = try c.decode(DeclarationKind.self, forKey: .kind)
        name = try c.decode(String.self, forKey: .name)
        fields = try c.decode([FieldChange].self, forKey: .fields)
        destructive = try c.decode(Bool.self, forKey: .destructive)
        reasons = try c.decode([String].self, forKey: .reasons)
        after = try c.decodeIfPresent(CanonicalObject.self, forKey: .after)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(action, forKey: .action)
        try c.encode(kind, forKey: .kind)
        try c.encode(name, forKey: .name)
        try c.encode(fields, forKey: .fields)
        try c.encode(destructive, forKey: .destructive)
        try c.encode(reasons, forKey: .reasons)
        try c.encodeIfPresent(after, forKey: .after)
    }
}
