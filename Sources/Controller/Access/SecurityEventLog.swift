import Foundation
import Logging
import Storage

/// Records every authentication and authorization failure: in the log and in the store, where the admin
/// API lists them. Credentials are never part of an event.
struct SecurityEventLog: Sendable {
    let store: any AccessStore
    let logger: Logger

    func record(_ event: SecurityEvent) async {
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
