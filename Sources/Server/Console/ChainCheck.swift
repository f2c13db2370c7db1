import Audit
import AuditRecords
import Console
import Foundation

/// The audit chain's verification for the console's audit page: a full check reads every record, so it runs in the
/// background at most every ten minutes and the page shows the latest result.
actor ChainCheck {
    private let audit: AuditLog
    private var last: (at: Date, text: String, intact: Bool)?
    private var running = false

    init(audit: AuditLog) { self.audit = audit }

    func state(now: Date = Date()) -> (text: String, intact: Bool) {
        if !running, last.map({ now.timeIntervalSince($0.at) > 600 }) ?? true {
            running = true
            Task { await self.verify() }
        }
        guard let last else { return ("The chain is being verified; reload in a moment.", true) }
        return (last.text + " (checked \(ConsoleText.time(last.at)))", last.intact)
    }

    private func verify() async {
        let text: String
        let intact: Bool
        do {
            let result = try await AuditVerification.check(audit.store, key: audit.publicKey)
            intact = result.isIntact
            text = result.failure.map { "The chain is broken: \($0)." }
                ?? "The chain verifies: records \(result.first)–\(result.last), \(result.checkpointsChecked) signed checkpoint(s) matched."
        } catch {
            intact = false
            text = "The chain could not be read: \(error)."
        }
        last = (Date(), text, intact)
        running = false
    }
}
