/// What a scan does when it finds something.
public enum ScanAction: String, Sendable, Hashable, CaseIterable {
    case block, warn, off
}

/// Vulnerability severities, ordered from `low` to `critical`.
public enum VulnerabilitySeverity: String, Sendable, Hashable, CaseIterable, Comparable {
    case low, medium, high, critical

    public static func < (lhs: VulnerabilitySeverity, rhs: VulnerabilitySeverity) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// `spec.scanning.vulnerabilities`; fields not declared are nil.
public struct VulnerabilityScanning: Sendable, Hashable {
    public var onPush: ScanAction?
    public var onPull: ScanAction?
    public var threshold: VulnerabilitySeverity?
    public var rescanEvery: TimeSpan?

    public init(onPush: ScanAction? = nil, onPull: ScanAction? = nil,
                threshold: VulnerabilitySeverity? = nil, rescanEvery: TimeSpan? = nil) {
        self.onPush = onPush
        self.onPull = onPull
        self.threshold = threshold
        self.rescanEvery = rescanEvery
    }
}

/// `spec.scanning.secrets`.
public struct SecretScanning: Sendable, Hashable {
    public var onPush: ScanAction?

    public init(onPush: ScanAction? = nil) { self.onPush = onPush }
}

/// `spec.scanning`.
public struct ScanningPolicy: Sendable, Hashable {
    public var vulnerabilities: VulnerabilityScanning
    public var secrets: SecretScanning

    public init(vulnerabilities: VulnerabilityScanning = .init(), secrets: SecretScanning = .init()) {
        self.vulnerabilities = vulnerabilities
        self.secrets = secrets
    }
}

/// `spec.signing`: pulls need signatures from at least `minimum` of
/// `requiredSigners`.
public struct SigningPolicy: Sendable, Hashable {
    public var requiredSigners: [String]
    public var minimum: Int

    public init(requiredSigners: [String], minimum: Int) {
        self.requiredSigners = requiredSigners
        self.minimum = minimum
    }
}

/// `spec.retention`; fields not declared are nil. A repository's retention
/// overrides its tier's field by field.
public struct RetentionPolicy: Sendable, Hashable {
    public var keepLast: Int?
    public var keepPulledWithin: TimeSpan?
    public var keepPushedWithin: TimeSpan?
    public var protect: [TagPattern]?

    public init(keepLast: Int? = nil, keepPulledWithin: TimeSpan? = nil,
                keepPushedWithin: TimeSpan? = nil, protect: [TagPattern]? = nil) {
        self.keepLast = keepLast
        self.keepPulledWithin = keepPulledWithin
        self.keepPushedWithin = keepPushedWithin
        self.protect = protect
    }
}

/// A sensitivity level: the policy bundle repositories inherit.
public struct Tier: Sendable, Hashable {
    public var metadata: ObjectMetadata
    public var source: SourceLocation
    public var description: String?
    public var anonymousPull: Bool?
    public var scanning: ScanningPolicy
    public var signing: SigningPolicy?
    public var retention: RetentionPolicy
    public var immutableTags: [TagPattern]?
    public var quota: ByteSize?
    /// Where each declared field was written, keyed by path
    /// (`spec.retention.keepLast`).
    public var fieldLocations: [String: SourceLocation]

    public var name: String { metadata.name }
}
