import Audit
import AuditRecords
import Foundation
import Logging
import ServiceLifecycle

/// The audit log's schedule: a `server-start` record, a signed checkpoint every interval (when records came since the
/// last), retention once a day, and at shutdown a `server-stop` record and a last checkpoint.
struct AuditService: Service {
    let audit: AuditLog
    let checkpointInterval: Duration
    let retention: TimeInterval
    /// False when pushes, pulls and deletions are not recorded (a benchmark): the start record says so.
    let registryActivity: Bool
    let logger: Logger

    func run() async throws {
        var details = ["retentionDays": String(Int(retention / 86_400))]
        if !registryActivity { details["registryActivity"] = "not recorded" }
        await record(AuditEvent(actor: "berth", action: .serverStart, details: details))
        var lastRetention = Date.distantPast
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            if Date().timeIntervalSince(lastRetention) >= 86_400 {
                lastRetention = Date()
                do {
                    let removed = try await audit.removeRecords(olderThan: Date().addingTimeInterval(-retention))
                    if removed > 0 { logger.notice("audit retention removed whole segments", metadata: ["records": "\(removed)"]) }
                } catch {
                    logger.error("audit retention failed; it runs again tomorrow", metadata: ["error": "\(error)"])
                }
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: checkpointInterval) }
            await checkpoint()
        }
        await record(AuditEvent(actor: "berth", action: .serverStop))
        await checkpoint()
    }

    private func checkpoint() async {
        do {
            _ = try await audit.checkpoint(onlyIfMoved: true)
        } catch {
            logger.error("could not sign an audit checkpoint", metadata: ["error": "\(error)"])
        }
    }

    private func record(_ event: AuditEvent) async {
        do {
            try await audit.record(event)
        } catch {
            logger.error("could not write to the audit log", metadata: ["error": "\(error)"])
        }
    }
}
