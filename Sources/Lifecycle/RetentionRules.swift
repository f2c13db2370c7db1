import Declarations

/// The retention rules of one repository, from its effective policy.
public struct RetentionRules: Sendable, Hashable {
    public var keepLast: Int?
    public var keepPushedWithin: TimeSpan?
    public var keepPulledWithin: TimeSpan?
    public var protect: [TagPattern]
    public var immutable: [TagPattern]

    public init(keepLast: Int? = nil, keepPushedWithin: TimeSpan? = nil, keepPulledWithin: TimeSpan? = nil,
                protect: [TagPattern] = [], immutable: [TagPattern] = []) {
        self.keepLast = keepLast
        self.keepPushedWithin = keepPushedWithin
        self.keepPulledWithin = keepPulledWithin
        self.protect = protect
        self.immutable = immutable
    }

    /// A repository no declaration governs has no policy, and so no rules.
    public init(_ policy: EffectivePolicy?) {
        self.init(keepLast: policy?.keepLast.value, keepPushedWithin: policy?.keepPushedWithin.value,
                  keepPulledWithin: policy?.keepPulledWithin.value, protect: policy?.protect.value ?? [],
                  immutable: policy?.immutableTags.value ?? [])
    }

    /// No keepLast, keepPushedWithin or keepPulledWithin: nothing is ever deleted. `protect` and `immutable` only
    /// exempt tags from the other rules, so on their own they delete nothing either.
    public var isEmpty: Bool { keepLast == nil && keepPushedWithin == nil && keepPulledWithin == nil }

    /// `keepLast 50`, `keepLast 20, keepPushedWithin 30d` — what a plan prints. The patterns follow when there are any,
    /// since they change what the numbers mean: `keepLast 20, protect [v*]`.
    public var summary: String {
        func list(_ patterns: [TagPattern]) -> String { "[" + patterns.map(\.text).joined(separator: ", ") + "]" }
        let parts = [
            keepLast.map { "keepLast \($0)" },
            keepPushedWithin.map { "keepPushedWithin \($0)" },
            keepPulledWithin.map { "keepPulledWithin \($0)" },
            protect.isEmpty ? nil : "protect \(list(protect))",
            immutable.isEmpty ? nil : "immutable \(list(immutable))",
        ].compactMap { $0 }
        return parts.isEmpty ? "no retention rules" : parts.joined(separator: ", ")
    }

    /// True when `protect` or `immutable` exempts `tag` from deletion.
    func exempts(_ tag: String) -> Bool {
        protect.contains { $0.matches(tag) } || immutable.contains { $0.matches(tag) }
    }
}
