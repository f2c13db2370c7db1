/// Where an effective setting came from.
public enum SettingOrigin: Sendable, Hashable, CustomStringConvertible {
    /// Neither the tier nor the repository declares it: Berth's default.
    case defaultValue
    /// Declared by the tier, at `field`.
    case tier(DeclarationReference, field: SourceLocation)
    /// Declared by the Repository declaration (exact or glob), at `field`.
    case repository(DeclarationReference, field: SourceLocation)

    public var description: String {
        switch self {
        case .defaultValue: return "default"
        case .tier(let ref, let field): return "Tier '\(ref.name)' (\(field))"
        case .repository(let ref, let field): return "Repository '\(ref.name)' (\(field))"
        }
    }
}

/// A value and the declaration it came from.
public struct Setting<Value: Sendable & Hashable>: Sendable, Hashable {
    public var value: Value
    public var origin: SettingOrigin

    public init(_ value: Value, from origin: SettingOrigin) {
        self.value = value
        self.origin = origin
    }
}

/// The policy that applies to one concrete repository: its tier's settings,
/// overridden field by field by its Repository declaration, with Berth's
/// defaults for what neither declares.
public struct EffectivePolicy: Sendable, Hashable {
    public var repository: String
    /// The Repository declaration that governs it (exact name or glob).
    public var declaration: DeclarationReference
    public var tier: DeclarationReference

    public var anonymousPull: Setting<Bool>
    public var vulnerabilityOnPush: Setting<ScanAction>
    public var vulnerabilityOnPull: Setting<ScanAction>
    public var vulnerabilityThreshold: Setting<VulnerabilitySeverity>
    public var rescanEvery: Setting<TimeSpan?>
    public var secretsOnPush: Setting<ScanAction>
    public var signing: Setting<SigningPolicy?>
    public var keepLast: Setting<Int?>
    public var keepPulledWithin: Setting<TimeSpan?>
    public var keepPushedWithin: Setting<TimeSpan?>
    public var protect: Setting<[TagPattern]>
    public var immutableTags: Setting<[TagPattern]>
    public var quota: Setting<ByteSize?>
    /// Names of the VulnerabilityExceptions whose repositories match, sorted.
    public var vulnerabilityExceptions: [String]
    /// Names of the SecretExceptions whose repositories match, sorted.
    public var secretExceptions: [String]

    /// Defaults used when neither the tier nor the repository sets a field.
    public enum Defaults {
        public static let anonymousPull = false
        public static let vulnerabilityOnPush = ScanAction.warn
        public static let vulnerabilityOnPull = ScanAction.off
        public static let vulnerabilityThreshold = VulnerabilitySeverity.critical
        public static let secretsOnPush = ScanAction.block
    }

    /// One line per field: `(field path, rendered value, origin)`, in a
    /// stable order, for plans and `berth explain`-style output.
    public var fields: [FieldSummary] {
        func show<T>(_ value: T?) -> String { value.map { "\($0)" } ?? "none" }
        func list(_ patterns: [TagPattern]) -> String { "[" + patterns.map(\.text).joined(separator: ", ") + "]" }
        let signingText = signing.value.map { "\($0.minimum) of [\($0.requiredSigners.joined(separator: ", "))]" } ?? "not required"
        return [
            FieldSummary(field: "tier", value: tier.name, origin: .repository(declaration, field: declaration.location)),
            FieldSummary(field: "anonymousPull", value: "\(anonymousPull.value)", origin: anonymousPull.origin),
            FieldSummary(field: "scanning.vulnerabilities.onPush", value: vulnerabilityOnPush.value.rawValue, origin: vulnerabilityOnPush.origin),
            FieldSummary(field: "scanning.vulnerabilities.onPull", value: vulnerabilityOnPull.value.rawValue, origin: vulnerabilityOnPull.origin),
            FieldSummary(field: "scanning.vulnerabilities.threshold", value: vulnerabilityThreshold.value.rawValue, origin: vulnerabilityThreshold.origin),
            FieldSummary(field: "scanning.vulnerabilities.rescanEvery", value: show(rescanEvery.value), origin: rescanEvery.origin),
            FieldSummary(field: "scanning.secrets.onPush", value: secretsOnPush.value.rawValue, origin: secretsOnPush.origin),
            FieldSummary(field: "signing", value: signingText, origin: signing.origin),
            FieldSummary(field: "retention.keepLast", value: show(keepLast.value), origin: keepLast.origin),
            FieldSummary(field: "retention.keepPulledWithin", value: show(keepPulledWithin.value), origin: keepPulledWithin.origin),
            FieldSummary(field: "retention.keepPushedWithin", value: show(keepPushedWithin.value), origin: keepPushedWithin.origin),
            FieldSummary(field: "retention.protect", value: list(protect.value), origin: protect.origin),
            FieldSummary(field: "immutableTags", value: list(immutableTags.value), origin: immutableTags.origin),
            FieldSummary(field: "quota", value: show(quota.value), origin: quota.origin),
        ]
    }

    public struct FieldSummary: Sendable, Hashable, CustomStringConvertible {
        public var field: String
        public var value: String
        public var origin: SettingOrigin

        public var description: String { "\(field) = \(value)  (from \(origin))" }
    }
}

extension EffectivePolicy {
    /// Merges `tier` and `repository` field by field.
    init(repository name: String, declaration repo: Repository, tier: Tier, exceptions: [String],
         secretExceptions: [String]) {
        let repoRef = DeclarationReference(kind: .repository, name: repo.name, location: repo.source)
        let tierRef = DeclarationReference(kind: .tier, name: tier.name, location: tier.source)

        func fromTier<T>(_ value: T?, _ path: String, default fallback: T) -> Setting<T> {
            if let value {
                return Setting(value, from: .tier(tierRef, field: tier.fieldLocations[path] ?? tier.source))
            }
            return Setting(fallback, from: .defaultValue)
        }
        func merged<T>(_ repoValue: T?, _ tierValue: T?, _ path: String, default fallback: T) -> Setting<T> {
            if let repoValue {
                return Setting(repoValue, from: .repository(repoRef, field: repo.fieldLocations[path] ?? repo.source))
            }
            return fromTier(tierValue, path, default: fallback)
        }

        let scanning = tier.scanning
        self.init(
            repository: name,
            declaration: repoRef,
            tier: tierRef,
            anonymousPull: fromTier(tier.anonymousPull, "spec.anonymousPull", default: Defaults.anonymousPull),
            vulnerabilityOnPush: fromTier(scanning.vulnerabilities.onPush, "spec.scanning.vulnerabilities.onPush", default: Defaults.vulnerabilityOnPush),
            vulnerabilityOnPull: fromTier(scanning.vulnerabilities.onPull, "spec.scanning.vulnerabilities.onPull", default: Defaults.vulnerabilityOnPull),
            vulnerabilityThreshold: fromTier(scanning.vulnerabilities.threshold, "spec.scanning.vulnerabilities.threshold", default: Defaults.vulnerabilityThreshold),
            rescanEvery: fromTier(scanning.vulnerabilities.rescanEvery.map { Optional($0) }, "spec.scanning.vulnerabilities.rescanEvery", default: nil),
            secretsOnPush: fromTier(scanning.secrets.onPush, "spec.scanning.secrets.onPush", default: Defaults.secretsOnPush),
            signing: fromTier(tier.signing.map { Optional($0) }, "spec.signing", default: nil),
            keepLast: merged(repo.retention.keepLast.map { Optional($0) }, tier.retention.keepLast.map { Optional($0) },
                             "spec.retention.keepLast", default: nil),
            keepPulledWithin: merged(repo.retention.keepPulledWithin.map { Optional($0) }, tier.retention.keepPulledWithin.map { Optional($0) },
                                     "spec.retention.keepPulledWithin", default: nil),
            keepPushedWithin: merged(repo.retention.keepPushedWithin.map { Optional($0) }, tier.retention.keepPushedWithin.map { Optional($0) },
                                     "spec.retention.keepPushedWithin", default: nil),
            protect: merged(repo.retention.protect, tier.retention.protect, "spec.retention.protect", default: []),
            immutableTags: merged(repo.immutableTags, tier.immutableTags, "spec.immutableTags", default: []),
            quota: merged(repo.quota.map { Optional($0) }, tier.quota.map { Optional($0) }, "spec.quota", default: nil),
            vulnerabilityExceptions: exceptions,
            secretExceptions: secretExceptions
        )
    }
}
