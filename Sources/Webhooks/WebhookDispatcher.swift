import AsyncHTTPClient
import CoreMetrics
import Foundation
import Logging
import ServiceLifecycle
import Storage
import Synchronization

/// Delivers the audit log to webhooks (spec/webhooks.md): each target gets every record its filter matches, as a signed
/// CloudEvent, in log order, at least once, resuming after a restart from the cursor saved in the outbox.
///
/// A service: `run` delivers until the service group shuts down. `configure` sets the targets, before or while it runs;
/// `recordsAppended` saves waiting for the next poll.
public actor WebhookDispatcher: Service {
    public struct Options: Sendable {
        /// The CloudEvents `source` of every event: a URI reference naming this registry, such as its external URL.
        public var source: String
        /// How often each target looks for new records when not woken by ``WebhookDispatcher/recordsAppended()``.
        public var pollInterval: Duration
        public var retry: WebhookRetryPolicy
        /// How many records a target reads at once.
        public var batchSize: Int

        public init(source: String, pollInterval: Duration = .milliseconds(250), retry: WebhookRetryPolicy = WebhookRetryPolicy(),
                    batchSize: Int = 100) {
            self.source = source
            self.pollInterval = pollInterval
            self.retry = retry
            self.batchSize = batchSize
        }
    }

    private let records: any AuditRecordSource
    private let outbox: any WebhookOutboxStore
    private let options: Options
    private let metrics: any MetricsFactory
    private let logger: Logger
    private var workers: [String: WebhookWorker] = [:]
    /// While `run` runs: the sender over its HTTP client, and each worker's task. Workers come and go with `configure`,
    /// which structured tasks cannot follow; `run` cancels and awaits every one before it returns.
    private var sender: WebhookSender?
    private var tasks: [String: Task<Void, Never>] = [:]
    /// The configuration being applied: each waits for the one before, so two never interleave.
    private var configuring: Task<Void, any Error>?
    /// Set while a wake is on its way to the workers: appends in a burst send one.
    private let wakePending = Atomic<Bool>(false)

    public init(records: any AuditRecordSource, outbox: any WebhookOutboxStore, options: Options,
                metrics: any MetricsFactory = MetricsSystem.factory, logger: Logger) {
        self.records = records
        self.outbox = outbox
        self.options = options
        self.metrics = metrics
        self.logger = logger
    }

    /// Makes `targets` the webhooks, by name. A target not seen before resumes from its stored cursor, or starts at the
    /// log's current head (history is not replayed); a removed one stops and its cursor is deleted; a changed one keeps
    /// its cursor. Throws when the outbox or the log cannot be read; the targets applied before the error stay.
    public func configure(_ targets: [WebhookTarget]) async throws {
        let previous = configuring
        let applying = Task {
            _ = await previous?.result
            try await apply(targets)
        }
        configuring = applying
        try await applying.value
    }

    /// Says records were appended, so each target reads them now rather than at its next poll. Cheap, and returns at once.
    public nonisolated func recordsAppended() {
        guard !wakePending.exchange(true, ordering: .acquiringAndReleasing) else { return }
        Task { await wakeWorkers() }
    }

    /// Every target's delivery state, by name.
    public func status() async -> [WebhookStatus] {
        var statuses: [WebhookStatus] = []
        for name in workers.keys.sorted() {
            if let worker = workers[name] { statuses.append(await worker.status) }
        }
        return statuses
    }

    /// Delivers until the service group shuts down (or the task is cancelled). A delivery in flight is abandoned; its
    /// record is sent again after a restart.
    public func run() async throws {
        precondition(sender == nil, "WebhookDispatcher.run is already running")
        // Redirects are not followed (CloudEvents' webhook spec): the signed body goes only where it was configured to.
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))
        let sender = WebhookSender(http: http)
        self.sender = sender
        for (name, worker) in workers { tasks[name] = Task { await worker.run(sender: sender) } }
        try? await gracefulShutdown()
        self.sender = nil
        let running = tasks.values
        tasks = [:]
        for task in running { task.cancel() }
        for task in running { await task.value }
        try await http.shutdown()
    }

    private func apply(_ targets: [WebhookTarget]) async throws {
        var names = Set<String>()
        let repeated = targets.map(\.name).filter { !names.insert($0).inserted }
        guard repeated.isEmpty else { throw WebhookConfigurationError.duplicateNames(Set(repeated).sorted()) }
        for (name, worker) in workers where !names.contains(name) {
            // Stopped before its cursor is deleted, so no save in flight brings it back.
            workers[name] = nil
            if let task = tasks.removeValue(forKey: name) {
                task.cancel()
                await task.value
            }
            worker.metrics.destroy()
        }
        try await outbox.removeWebhookCursors(keeping: names)
        var stored: [String: WebhookCursor]?
        for target in targets {
            if let worker = workers[target.name] {
                await worker.replace(target)
                continue
            }
            if stored == nil { stored = Dictionary(uniqueKeysWithValues: try await outbox.webhookCursors().map { ($0.webhook, $0) }) }
            let cursor: WebhookCursor
            if let resumed = stored?[target.name] {
                cursor = resumed
            } else {
                // Saved at once: a restart before the first delivery must not start again at a later head and skip records.
                cursor = WebhookCursor(webhook: target.name, delivered: try await records.headSequence())
                try await outbox.saveWebhookCursor(cursor)
            }
            let worker = WebhookWorker(target: target, cursor: cursor, records: records, outbox: outbox, options: options,
                                       metrics: WebhookMetrics(webhook: target.name, factory: metrics), logger: logger)
            workers[target.name] = worker
            if let sender { tasks[target.name] = Task { await worker.run(sender: sender) } }
        }
    }

    private func wakeWorkers() async {
        wakePending.store(false, ordering: .releasing)
        for worker in workers.values { await worker.wake() }
    }
}
