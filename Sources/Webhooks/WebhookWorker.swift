import AuditRecords
import Foundation
import Logging
import Storage

/// One target's deliveries: reads the records after its cursor in order, skips those its filter does not match, and
/// sends each one it matches until the receiver takes it, waiting out the retry policy between failures. A record is
/// delivered before the next one is sent (head-of-line), so a receiver sees them in log order.
actor WebhookWorker {
    private var target: WebhookTarget
    private var cursor: WebhookCursor
    private var nextAttempt: Date?
    /// The log's last sequence as last read: what the backlog gauge counts up to.
    private var knownHead: UInt64 = 0
    private let records: any AuditRecordSource
    private let outbox: any WebhookOutboxStore
    private let options: WebhookDispatcher.Options
    let metrics: WebhookMetrics
    private let logger: Logger
    /// The pause in progress, and whether a wake came while none was (the next pause then returns at once).
    private var wakeup: CheckedContinuation<Void, Never>?
    private var woken = false

    init(target: WebhookTarget, cursor: WebhookCursor, records: any AuditRecordSource, outbox: any WebhookOutboxStore,
         options: WebhookDispatcher.Options, metrics: WebhookMetrics, logger: Logger) {
        self.target = target
        self.cursor = cursor
        self.records = records
        self.outbox = outbox
        self.options = options
        self.metrics = metrics
        self.logger = logger
    }

    var status: WebhookStatus { WebhookStatus(target: target, cursor: cursor, nextAttempt: nextAttempt) }

    /// Takes a changed target; the cursor stays. A new URL, secret or timeout may be what fixes a failing delivery, so
    /// a record waiting on a failure is tried again at once.
    func replace(_ changed: WebhookTarget) {
        let retryNow = changed.url != target.url || changed.secret != target.secret || changed.timeout != target.timeout
        target = changed
        if retryNow, nextAttempt != nil {
            nextAttempt = nil
            wake()
        }
    }

    /// Ends the current pause early: new records, a changed target, or cancellation.
    func wake() {
        if let waiting = wakeup {
            wakeup = nil
            waiting.resume()
        } else {
            woken = true
        }
    }

    /// Delivers until cancelled.
    func run(sender: WebhookSender) async {
        var readFailures = 0
        while !Task.isCancelled {
            do {
                let batch = try await records.records(after: cursor.delivered, limit: options.batchSize)
                readFailures = 0
                guard !batch.isEmpty else {
                    knownHead = cursor.delivered
                    recordBacklog()
                    await pause(for: options.pollInterval)
                    continue
                }
                knownHead = (try? await records.headSequence()) ?? batch[batch.count - 1].sequence
                recordBacklog()
                try await deliver(batch, with: sender)
            } catch is CancellationError {
                return
            } catch {
                readFailures += 1
                logger.error("webhook: cannot read the audit log", metadata: ["webhook": "\(target.name)", "error": "\(error)"])
                await pause(for: options.retry.delay(afterFailures: readFailures))
            }
        }
    }

    private func deliver(_ batch: [AuditRecord], with sender: WebhookSender) async throws {
        var skippedSinceSave = false
        for record in batch {
            if target.matches(record) {
                try await deliver(record, with: sender)
                skippedSinceSave = false
            } else {
                cursor.delivered = record.sequence
                skippedSinceSave = true
            }
        }
        // Skips are saved once per batch: losing them to a crash only means reading them again.
        if skippedSinceSave { await save() }
    }

    /// Sends `record` until it is delivered; saves the cursor after every attempt.
    private func deliver(_ record: AuditRecord, with sender: WebhookSender) async throws {
        let event = WebhookEvent(AuditLine(record), source: options.source)
        while true {
            try await waitForNextAttempt()
            // The filter may have changed while the record waited on a failure.
            guard target.matches(record) else {
                cursor.delivered = record.sequence
                nextAttempt = nil
                return
            }
            let outcome = try await sender.send(event, to: target)
            let now = Date()
            cursor.lastAttempt = now
            switch outcome {
            case .delivered:
                cursor.delivered = record.sequence
                cursor.failures = 0
                cursor.lastError = nil
                cursor.lastDelivered = now
                nextAttempt = nil
                metrics.delivered.increment()
                await save()
                return
            case .failed(let reason, let retryAfter):
                cursor.failures += 1
                cursor.lastError = reason
                nextAttempt = now.addingTimeInterval(WebhookRetryPolicy.seconds(options.retry.delay(afterFailures: cursor.failures, retryAfter: retryAfter)))
                metrics.failed.increment()
                logger.warning("webhook delivery failed", metadata: [
                    "webhook": "\(target.name)", "sequence": "\(record.sequence)", "failures": "\(cursor.failures)", "error": "\(reason)",
                ])
                await save()
            }
        }
    }

    private func waitForNextAttempt() async throws {
        // New records wake the pause too; only reaching the time (or `replace` clearing it) ends the wait.
        while let next = nextAttempt, next.timeIntervalSinceNow > 0 {
            await pause(for: .seconds(next.timeIntervalSinceNow))
            try Task.checkCancellation()
        }
    }

    /// A cursor that cannot be saved stays ahead in memory: deliveries go on, and a restart sends again what the stored
    /// cursor had not reached, which at-least-once allows.
    private func save() async {
        recordBacklog()
        do {
            try await outbox.saveWebhookCursor(cursor)
        } catch {
            logger.error("webhook: cannot save the delivery cursor", metadata: ["webhook": "\(target.name)", "error": "\(error)"])
        }
    }

    private func recordBacklog() {
        metrics.backlog.record(Int64(clamping: knownHead > cursor.delivered ? knownHead - cursor.delivered : 0))
    }

    /// Waits `duration`, or less if woken or cancelled.
    private func pause(for duration: Duration) async {
        if woken {
            woken = false
            return
        }
        let timer = Task { [weak self] in
            try await Task.sleep(for: duration)
            await self?.wake()
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { wakeup = $0 }
        } onCancel: {
            Task { await self.wake() }
        }
        timer.cancel()
    }
}
