import Access
import Audit
import AuditRecords
import Declarations
import ContentAnalysis
import Enforcement
import Foundation
import Hummingbird
import Lifecycle
import Logging
import NIOCore
import Reconciler
import Registry
import ServiceLifecycle
import Storage
import Webhooks

/// The whole server, composed: the OCI registry under `/v2/`, the token endpoint, the admin API under `/admin/v1/`
/// and `/metrics`, as routes of one Hummingbird router, with robot credential renewal (and the reconcile loop, when
/// declarations are given) as services of the same application.
public struct BerthServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var dataDirectory: URL
        public var adminCredentials: AdminCredentials?
        /// How long a connection may wait on its client (for a request head, or in the middle of a request body)
        /// before it is closed. Longer than the 90 s Go's HTTP client keeps idle connections, so a client closes
        /// an idle connection before the server does and never races a new request against the close.
        public var idleTimeout: Duration
        /// How often robot tokens are checked for renewal.
        public var credentialRenewalInterval: Duration
        /// How often the pull times noted in memory are written (what a crash may lose).
        public var pullTimeFlushInterval: Duration = .seconds(5)
        /// How often retention runs (`--retention-interval`).
        public var retentionInterval: Duration = .seconds(3600)
        /// How often garbage collection runs (`--gc-interval`), and how long a blob link nothing references is kept
        /// (`--gc-grace`).
        public var garbageCollectionInterval: Duration = .seconds(3600)
        public var garbageCollectionGrace: TimeInterval = GarbageCollection.defaultGrace
        /// How long an untagged manifest is kept before retention deletes it (`--untagged-grace`).
        public var untaggedGrace: TimeInterval = Retention.defaultUntaggedGrace
        /// How long a manifest push waits for its layers' scans before it is stored quarantined (`--scan-wait`).
        public var scanWait: Duration = .seconds(30)
        /// How many layers are scanned at once (`--scan-workers`): half the cores by default, so pushes are not starved.
        public var scanWorkers: Int = max(1, ProcessInfo.processInfo.activeProcessorCount / 2)
        /// What makes a layer unscannable rather than read to its end (`--scan-max-*`).
        public var scanLimits: ScanLimits = .standard
        /// A folder of OSV exports imported at start and whenever it changes (`--vulndb`); nil imports only through
        /// `berth vulndb import`.
        public var vulnerabilityFolder: URL?
        /// How often that folder is checked for changes, and how often tiers' `rescanEvery` and exception lapses are.
        public var vulnerabilityCheckInterval: Duration = .seconds(30)
        /// How long audit records are kept (`--audit-retention`): whole segments older than this are removed, and the
        /// chain is anchored at a signed checkpoint.
        public var auditRetention: TimeInterval = 400 * 86_400
        /// How often a checkpoint of the audit chain is signed, when records came since the last.
        public var auditCheckpointInterval: Duration = .seconds(60)
        /// The size at which an audit segment is closed and compressed.
        public var auditSegmentBytes: Int = SegmentedAuditStore.defaultSegmentBytes
        /// Whether pushes, pulls and deletions are audit records: false only in bench/audit.sh, to measure what they cost.
        public var auditsRegistryActivity = true
        /// The CloudEvents `source` of webhook deliveries: a URI reference naming this registry, such as its external URL.
        public var eventSource = "/berth"
        /// The time verdicts are judged at (exception expiries, certificate validity); tests move it.
        public var clock: @Sendable () -> Date = Date.init

        public init(host: String, port: Int, dataDirectory: URL, adminCredentials: AdminCredentials? = nil, idleTimeout: Duration = .seconds(120),
                    credentialRenewalInterval: Duration = .seconds(60)) {
            self.host = host
            self.port = port
            self.dataDirectory = dataDirectory
            self.adminCredentials = adminCredentials
            self.idleTimeout = idleTimeout
            self.credentialRenewalInterval = credentialRenewalInterval
        }
    }

    public let admin: LocalAdmin
    public let access: AccessService
    public let status: ReconcileStatusBoard
    public let metrics: ServerMetrics
    public let policy: DeclaredPolicy
    public let vulnerabilities: VulnerabilityFeed
    public let audit: AuditLog
    let webhooks: WebhookDispatcher
    let registry: Registry
    let stores: EmbeddedStores
    let pulls = PullTimeLog()
    let retention: RetentionKeeper
    let garbageCollection: GarbageCollectionService
    let configuration: Configuration
    let logger: Logger

    public init(configuration: Configuration, logger: Logger) async throws {
        let stores = try EmbeddedStores(dataDirectory: configuration.dataDirectory)
        try await AbandonedUploads.remove(blobs: stores.blobs, metadata: stores.metadata, logger: logger)
        // Blob deletions a crash interrupted refuse links of their blob until finished: finish them before serving.
        try await GarbageCollection(blobs: stores.blobs, metadata: stores.metadata, grace: configuration.garbageCollectionGrace)
            .finishInterruptedDeletions()
        let metrics = ServerMetrics()
        let auditFolder = configuration.dataDirectory.appendingPathComponent("audit")
        let auditStore = try SegmentedAuditStore(folder: auditFolder, segmentBytes: configuration.auditSegmentBytes)
        await auditStore.compressClosedSegments()
        let webhooks = WebhookDispatcher(records: AuditStoreRecords(store: auditStore), outbox: stores.metadata,
                                         options: .init(source: configuration.eventSource), metrics: metrics.factory, logger: logger)
        let audit = try await AuditLog(store: auditStore, key: try AuditKey.loadOrCreate(in: auditFolder), metrics: metrics.factory, logger: logger,
                                       appended: { _ in webhooks.recordsAppended() })
        let dataDirectory = configuration.dataDirectory
        let access = try AccessService(dataDirectory: dataDirectory, store: stores.metadata, audit: audit,
                                       administrator: configuration.adminCredentials, metrics: metrics.factory, logger: logger)
        let scans = LayerScans(limits: configuration.scanLimits, blobs: stores.blobs, store: stores.metadata,
                               workers: configuration.scanWorkers, metrics: metrics.factory)
        let vulnerabilities = VulnerabilityFeed(store: stores.metadata, metrics: metrics.factory)
        try await vulnerabilities.load()
        let policy = DeclaredPolicy(blobs: stores.blobs, metadata: stores.metadata, scans: scans, scanWait: configuration.scanWait,
                                    vulnerabilities: vulnerabilities, events: EnforcementEventLog(log: access.events), metrics: metrics.factory,
                                    clock: configuration.clock)
        let registry = Registry(blobs: stores.blobs, metadata: stores.metadata, access: RegistryGate(access: access), policy: policy,
                                activity: RegistryAudit(audit: configuration.auditsRegistryActivity ? audit : nil, pulls: pulls, logger: logger),
                                logger: logger)
        if !configuration.auditsRegistryActivity {
            logger.warning("pushes, pulls and deletions are NOT recorded in the audit log (--benchmark-without-registry-audit)")
        }
        let deletedOutsideTheRegistry = DeletedOutsideTheRegistry(registry: registry, policy: policy, audit: audit, logger: logger)
        admin = LocalAdmin(configuration: stores.metadata, metadata: stores.metadata, keyChecks: .server,
                           preview: PolicyPreview(blobs: stores.blobs, metadata: stores.metadata, scans: scans, vulnerabilities: vulnerabilities,
                                                  untaggedGrace: configuration.untaggedGrace, now: configuration.clock),
                           didApply: { declarations, revision in
                               await Self.recordApply(revision, in: audit, logger: logger)
                               await Self.configure(webhooks, declarations.webhooks, dataDirectory: dataDirectory, logger: logger)
                               await access.configurationChanged(to: declarations)
                               await policy.configurationChanged(to: declarations)
                           },
                           didPrune: deletedOutsideTheRegistry.pruned)
        let live: DesiredState
        do {
            live = try await admin.liveDeclarations()
        } catch {
            // Applied by an earlier berth, before a check it now fails (a Signer key the verifier refuses): serve it
            // with the structural checks, whose unusable keys simply verify nothing, rather than not start at all.
            logger.error("the stored configuration does not pass today's key checks; serving it as stored until the next apply fixes it",
                         metadata: ["error": "\(error)"])
            live = try await LocalAdmin(configuration: stores.metadata, metadata: stores.metadata).liveDeclarations()
        }
        await access.configurationChanged(to: live)
        await policy.configurationChanged(to: live)
        await Self.configure(webhooks, live.webhooks, dataDirectory: dataDirectory, logger: logger)
        self.webhooks = webhooks
        self.policy = policy
        self.audit = audit
        self.vulnerabilities = vulnerabilities
        self.access = access
        self.metrics = metrics
        status = ReconcileStatusBoard(metrics: metrics.factory)
        self.registry = registry
        self.stores = stores
        retention = RetentionKeeper(retention: Retention(metadata: stores.metadata, untaggedGrace: configuration.untaggedGrace),
                                    admin: admin, deleted: deletedOutsideTheRegistry, metrics: metrics.factory, logger: logger)
        garbageCollection = GarbageCollectionService(
            collection: GarbageCollection(blobs: stores.blobs, metadata: stores.metadata, grace: configuration.garbageCollectionGrace),
            audit: audit, interval: configuration.garbageCollectionInterval, metrics: metrics.factory, logger: logger)
        self.configuration = configuration
        self.logger = logger
    }

    public var dataDirectory: URL { configuration.dataDirectory }

    /// The application; `reconcileLoop` runs as one of its services. `onListening` receives the bound address (useful
    /// with port 0). SIGTERM or SIGINT stop it gracefully: the listener closes, requests in flight finish, then the
    /// services stop (a reconcile step in progress completes first).
    public func makeApplication(
        reconcileLoop: ReconcileLoop? = nil,
        onListening: @escaping @Sendable (String, Int) async -> Void = { _, _ in }
    ) -> some ApplicationProtocol {
        let configuration = self.configuration
        var services: [any Service] = [
            AuditService(audit: audit, checkpointInterval: configuration.auditCheckpointInterval, retention: configuration.auditRetention,
                         registryActivity: configuration.auditsRegistryActivity, logger: logger),
            RobotCredentialRenewal(access: access, interval: configuration.credentialRenewalInterval),
            PullTimeFlush(pulls: pulls, metadata: stores.metadata, interval: configuration.pullTimeFlushInterval, logger: logger),
            RetentionService(keeper: retention, interval: configuration.retentionInterval, logger: logger),
            garbageCollection,
            webhooks,
            VulnerabilityRescans(policy: policy, checkInterval: configuration.vulnerabilityCheckInterval, clock: configuration.clock, logger: logger),
        ]
        if let folder = configuration.vulnerabilityFolder {
            services.append(VulnerabilityFolderWatch(folder: folder, feed: vulnerabilities, interval: configuration.vulnerabilityCheckInterval, logger: logger))
        }
        if let reconcileLoop { services.append(reconcileLoop) }
        return Application(
            responder: makeResponder(),
            server: .registryHTTP1(idleTimeout: configuration.idleTimeout),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "berth"),
            services: services,
            onServerRunning: { channel in
                let address = channel.localAddress
                await onListening(address?.ipAddress ?? configuration.host, address?.port ?? configuration.port)
            },
            logger: logger
        )
    }
}
