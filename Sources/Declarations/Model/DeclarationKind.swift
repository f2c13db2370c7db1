/// The kinds of declaration documents.
public enum DeclarationKind: String, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    case tier = "Tier"
    case repository = "Repository"
    case role = "Role"
    case roleBinding = "RoleBinding"
    case user = "User"
    case team = "Team"
    case robotAccount = "RobotAccount"
    case signer = "Signer"
    case vulnerabilityException = "VulnerabilityException"
    // The secret kinds come last so that the kinds before them keep their order (canonical objects sort by it);
    // rules precede exceptions because an exception names the rule it accepts.
    case secretRule = "SecretRule"
    case secretException = "SecretException"
    // Appended for the same reason: kinds added later go last, so stored objects keep their order.
    case webhook = "Webhook"

    public var description: String { rawValue }

    public static func < (lhs: DeclarationKind, rhs: DeclarationKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The only supported `apiVersion`.
    public static let apiVersion = "berth.dev/v1alpha1"
}

/// `metadata` of every document.
public struct ObjectMetadata: Sendable, Hashable {
    public var name: String
    public var labels: [String: String]
    public var annotations: [String: String]

    public init(name: String, labels: [String: String] = [:], annotations: [String: String] = [:]) {
        self.name = name
        self.labels = labels
        self.annotations = annotations
    }
}

/// Identifies one declaration: its kind, name and where it was declared.
public struct DeclarationReference: Sendable, Hashable, CustomStringConvertible {
    public var kind: DeclarationKind
    public var name: String
    public var location: SourceLocation

    public init(kind: DeclarationKind, name: String, location: SourceLocation) {
        self.kind = kind
        self.name = name
        self.location = location
    }

    /// `Tier 'confidential' (tiers.yaml:3:1)`
    public var description: String { "\(kind) '\(name)' (\(location))" }
}
