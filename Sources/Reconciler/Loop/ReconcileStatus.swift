import CoreMetrics
import Foundation
import Storage

/// What the reconcile loop last did, in the style of Flux's status conditions.
public struct ReconcileStatus: Sendable, Codable, Equatable {
    public struct Condition: Sendable, Codable, Equatable {
        /// `Ready` (the registry matches the last good commit), `Drifted` (live state was changed outside git),
        /// `SourceVerified` (the head commit passed signature checks).
        public var type: String
        /// `True`, `False` or `Unknown`.
        public var status: String
        public var reason: String
        public var message: String
        public var lastTransitionTime: Date
    }

    public var source: String?
    public var mode: String
    public var lastAttemptedCommit: String?
    public var lastAppliedCommit: String?
    public var lastAppliedAt: Date?
    public var conditions: [Condition] = []
    /// Objects (`Kind/name`) found changed outside git at the last check.
    public var drift: [String] = []
    /// Wall time of the last reconcile step.
    public var lastReconcileSeconds: Double?
    public var reconciliations = 0
    public var failures = 0
    public var driftDetections = 0
    /// The vulnerability database's latest import, as the server reports it alongside (not the reconciler's own).
    public var vulnerabilityDatabase: VulnerabilityImport?

    public init(source: String? = nil, mode: String = "off") {
        self.source = source
        self.mode = mode
    }

    public func condition(_ type: String) -> Condition? { conditions.first { $0.type == type } }

    /// Sets a condition, keeping its transition time when its status does not change.
    public mutating func set(_ type: String, _ status: Bool?, reason: String, message: String, at now: Date = Date()) {
        let value = status.map { $0 ? "True" : "False" } ?? "Unknown"
        if let index = conditions.firstIndex(where: { $0.type == type }) {
            let changed = conditions[index].status != value
            conditions[index] = Condition(type: type, status: value, reason: reason, message: message,
                                          lastTransitionTime: changed ? now : conditions[index].lastTransitionTime)
        } else {
            conditions.append(Condition(type: type, status: value, reason: reason, message: message, lastTransitionTime: now))
        }
    }
}

/// The shared, current status, read by `/admin/v1/status`; every update is also recorded as metrics.
public actor ReconcileStatusBoard {
    public private(set) var current: ReconcileStatus
    private let metrics: ReconcileMetrics?

    public init(_ initial: ReconcileStatus = ReconcileStatus(), metrics: (any MetricsFactory)? = nil) {
        current = initial
        self.metrics = metrics.map(ReconcileMetrics.init)
        self.metrics?.record(from: nil, to: initial)
    }

    public func update(_ change: @Sendable (inout ReconcileStatus) -> Void) {
        let before = current
        change(&current)
        metrics?.record(from: before, to: current)
    }
}
