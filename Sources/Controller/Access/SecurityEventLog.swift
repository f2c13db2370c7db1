import Foundation
import Logging
import Storage
import Synchronization

/// Records every authentication and authorization failure: in the log and in the store, where the admin
/// API lists them. Credentials are never part of an event.
struct SecurityEventLog: Sendable {
    let store: any AccessStore
    let logger: Logger
    let counts = SecurityEventCounts()

    func record(_ event: SecurityEvent) async {
        counts.add(event.kind)
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

/// Events per kind since the server started, for `/metrics`.
final class SecurityEventCounts: Sendable {
    private let counts = Mutex<[SecurityEvent.Kind: Int]>([:])

    func add(_ kind: SecurityEvent.Kind) {
        counts.withLock { $0[kind, default: 0] += 1 }
    }

    var current: [SecurityEvent.Kind: Int] { counts.withLock { $0 } }
}
