import Audit
import AuditRecords
import Logging
import Reconciler
import Declarations
import Foundation
import Storage
import Webhooks

extension BerthServer {
    /// A configuration revision applied: by the reconciler (with its commit and author), `berth apply`, or the admin API.
    static func recordApply(_ revision: ConfigurationRevision, in audit: AuditLog, logger: Logger) async {
        var details = ["revision": String(revision.id), "changes": String(revision.changeCount), "summary": revision.source.summary,
                       "fingerprintBefore": revision.fingerprintBefore, "fingerprintAfter": revision.fingerprintAfter]
        details["commit"] = revision.source.commit
        details["author"] = revision.source.author
        await record(AuditEvent(time: revision.appliedAt, actor: revision.source.actor, action: .configurationApply,
                                object: revision.source.commit ?? "revision \(revision.id)", details: details), in: audit, logger: logger)
    }

    /// Drift found or reverted by the reconcile loop.
    public func recordDrift(_ event: DriftEvent) async {
        switch event {
        case .detected(let objects, let actors, let revisions):
            await Self.record(AuditEvent(actor: "reconciler", action: .driftDetect, object: objects.first,
                                         details: ["objects": objects.joined(separator: ","), "by": actors.joined(separator: ","),
                                                   "revisions": revisions.map(String.init).joined(separator: ",")]), in: audit, logger: logger)
        case .reverted(let objects, let commit, let revision):
            var details = ["objects": objects.joined(separator: ",")]
            details["commit"] = commit
            details["revision"] = revision.map(String.init)
            await Self.record(AuditEvent(actor: "reconciler", action: .driftRevert, object: objects.first, details: details), in: audit, logger: logger)
        }
    }

    /// The declared webhooks become the delivery targets; one whose key cannot be read is left out (and logged).
    static func configure(_ dispatcher: WebhookDispatcher, _ webhooks: [Webhook], dataDirectory: URL, logger: Logger) async {
        do {
            try await dispatcher.configure(WebhookTargets.resolve(webhooks, dataDirectory: dataDirectory, logger: logger))
        } catch {
            logger.error("could not configure webhooks", metadata: ["error": "\(error)"])
        }
    }

    private static func record(_ event: AuditEvent, in audit: AuditLog, logger: Logger) async {
        do {
            try await audit.record(event)
        } catch {
            logger.error("could not write to the audit log", metadata: ["error": "\(error)", "action": "\(event.action.rawValue)"])
        }
    }
}
