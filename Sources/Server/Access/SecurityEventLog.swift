import CoreMetrics
import Foundation
import Logging
import Storage

/// Records every authentication and authorization failure: in the log, in the store (where the admin API lists them)
/// and as `berth_security_events_total{kind}`. Credentials are never part of an event.
struct SecurityEventLog: Sendable {
    let store: any AccessStore
    let logger: Logger
    private let counters: [SecurityEvent.Kind: Counter]

    init(store: any AccessStore, logger: Logger, metrics: any MetricsFactory) {
        self.store = store
        self.logger = logger
        counters = Dictionary(uniqueKeysWithValues: SecurityEvent.Kind.allCases.map { kind in
            (kind, Counter(label: "berth_security_events_total", dimensions: [("kind", kind.rawValue)], factory: metrics))
        })
    }

    func record(_ event: SecurityEvent) async {
        counters[event.kind]?.increment()
        logger.warning("\(event.kind.rawValue)", metadata: [
            "subject": "\(event.subject)", "address": "\(event.address)", "action": "\(event.action)", "reason": "\(event.reason)",
        ])
        do {
            try await store.record([event])
        } catch {
            logger.error("could not store a security event", metadata: ["error": "\(error)"])
        }
    }
}
