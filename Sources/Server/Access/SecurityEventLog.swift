import Audit
import AuditRecords
import CoreMetrics
import Foundation
import Logging

/// Records every authentication and authorization failure, and every refusal or suspicious read the policy makes: in
/// the audit log (on disk before the request is answered), in the log, and as `berth_security_events_total{kind}`.
/// Credentials are never part of an event.
struct SecurityEventLog: Sendable {
    let audit: AuditLog
    let logger: Logger
    private let counters: [AuditAction: Counter]

    init(audit: AuditLog, logger: Logger, metrics: any MetricsFactory) {
        self.audit = audit
        self.logger = logger
        counters = Dictionary(uniqueKeysWithValues: AuditAction.allCases.filter(\.isSecurityEvent).map { action in
            (action, Counter(label: "berth_security_events_total", dimensions: [("kind", action.rawValue)], factory: metrics))
        })
    }

    /// `attempt` is what was tried, in words (`push payments/api`, `login`, `GET /admin/v1/state`).
    func record(_ action: AuditAction, actor: String, address: String?, attempt: String, reason: String, repository: String? = nil,
                object: String? = nil, outcome: AuditOutcome = .denied, details: [String: String] = [:]) async {
        counters[action]?.increment()
        logger.warning("\(action.rawValue)", metadata: [
            "subject": "\(actor)", "address": "\(address ?? "-")", "action": "\(attempt)", "reason": "\(reason)",
        ])
        var details = details
        details["attempt"] = attempt
        details["reason"] = reason
        do {
            try await audit.record(AuditEvent(actor: actor, address: address, action: action, outcome: outcome, repository: repository,
                                              object: object, details: details))
        } catch {
            logger.error("could not record a security event in the audit log", metadata: ["error": "\(error)"])
        }
    }
}
