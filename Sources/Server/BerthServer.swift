import Access
import Audit
import Crypto
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
        /// Among replicas, how long an image may wait for a scan before another replica starts it (`ScanRecovery`): between
        /// one and two of these (`--scan-recovery-interval`).
        public var scanRecoveryInterval: Duration = .seconds(60)
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
    let stores: BerthStores
    let pulls = PullTimeLog()
    let retention: RetentionKeeper
    let garbageCollection: GarbageCollectionService
    let configuration: Configuration
    let logger: Logger

    /// A server on `stores`; without them, on the embedded stores of the configuration's data folder.
    public init(configuration: Configuration, stores given: BerthStores? = nil, logger: Logger) async throws {
        let stores = if let given { given } else {
            try await BerthStores.embedded(dataDirectory: configuration.dataDirectory, auditSegmentBytes: configuration.auditSegmentBytes)
        }
        let coordination = stores.coordination
        if !coordination.isShared {
            // With replicas, another may be writing these very uploads and deleting these blobs: left to the GC lease's
            // holder (`GarbageCollectionService.run`).
            try await AbandonedUploads.remove(blobs: stores.blobs, metadata: stores.database, logger: logger)
            // Blob deletions a crash interrupted refuse links of their blob until finished: finish them before serving.
            try await GarbageCollection(blobs: stores.blobs, metadata: stores.database, grace: configuration.garbageCollectionGrace)
                .finishInterruptedDeletions()
        }
        let metrics = ServerMetrics()
        let webhooks = WebhookDispatcher(records: AuditStoreRecords(store: stores.audit), outbox: stores.database,
                                         options: .init(source: configuration.eventSource), metrics: metrics.factory, logger: logger)
        let auditKey = try await stores.sharedAuditKey() ?? AuditKey.loadOrCreate(in: configuration.dataDirectory.appendingPathComponent("audit"))
        let audit = try await AuditLog(store: stores.audit, key: auditKey, metrics: metrics.factory, logger: logger,
                                       appended: { _ in webhooks.recordsAppended() })
        let dataDirectory = configuration.dataDirectory
        let tokens = if let pem = try await coordination.sharedKey(named: "token-signing-key", create: { P256.Signing.PrivateKey().pemRepresentation }) {
            try TokenAuthority(privateKey: P256.Signing.PrivateKey(pemRepresentation: pem), issuer: "berth", audience: AccessService.service)
        } else {
            try TokenAuthority.loadOrCreate(keyFile: dataDirectory.appendingPathComponent("token-signing-key.pem"), issuer: "berth",
                                            audience: AccessService.service)
        }
        let access = AccessService(tokens: tokens, store: stores.database, audit: audit, coordination: coordination,
                                   administrator: configuration.adminCredentials, metrics: metrics.factory, logger: logger)
        let scans = LayerScans(limits: configuration.scanLimits, blobs: stores.blobs, store: stores.database,
                               workers: configuration.scanWorkers, metrics: metrics.factory)
        let vulnerabilities = VulnerabilityFeed(store: stores.database, metrics: metrics.factory)
        try await vulnerabilities.load()
        let policy = DeclaredPolicy(blobs: stores.blobs, metadata: stores.database, scans: scans, scanWait: configuration.scanWait,
                                    vulnerabilities: vulnerabilities, events: EnforcementEventLog(log: access.events, coordination: coordination),
                                    metrics: metrics.factory, clock: configuration.clock)
        vulnerabilities.whenImported { _ in await coordination.publish(.vulnerabilityDatabase) }
        let registry = Registry(blobs: stores.blobs, metadata: stores.database, access: RegistryGate(access: access), policy: policy,
                                activity: RegistryAudit(audit: configuration.auditsRegistryActivity ? audit : nil, pulls: pulls,
                                                        coordination: coordination, logger: logger),
                                logger: logger)
        if !configuration.auditsRegistryActivity {
            logger.warning("pushes, pulls and deletions are NOT recorded in the audit log (--benchmark-without-registry-audit)")
        }
        let deletedOutsideTheRegistry = DeletedOutsideTheRegistry(registry: registry, policy: policy, audit: audit, coordination: coordination,
                                                                  logger: logger)
        admin = LocalAdmin(configuration: stores.database, metadata: stores.database, keyChecks: .server,
                           preview: PolicyPreview(blobs: stores.blobs, metadata: stores.database, scans: scans, vulnerabilities: vulnerabilities,
                                                  untaggedGrace: configuration.untaggedGrace, now: configuration.clock),
                           didApply: { declarations, revision in
                               await Self.recordApply(revision, in: audit, logger: logger)
                               await Self.adopt(declarations, access: access, policy: policy, webhooks: webhooks, dataDirectory: dataDirectory,
                                                logger: logger)
                               await coordination.publish(.configuration)
                           },
                           didPrune: deletedOutsideTheRegistry.pruned)
        self.webhooks = webhooks
        self.policy = policy
        self.audit = audit
        self.vulnerabilities = vulnerabilities
        self.access = access
        self.metrics = metrics
        status = ReconcileStatusBoard(metrics: metrics.factory)
        self.registry = registry
        self.stores = stores
        retention = RetentionKeeper(retention: Retention(metadata: stores.database, untaggedGrace: configuration.untaggedGrace),
                                    admin: admin, deleted: deletedOutsideTheRegistry, metrics: metrics.factory, logger: logger)
        garbageCollection = GarbageCollectionService(
            collection: GarbageCollection(blobs: stores.blobs, metadata: stores.database, grace: configuration.garbageCollectionGrace),
            audit: audit, interval: configuration.garbageCollectionInterval, metrics: metrics.factory, logger: logger)
        self.configuration = configuration
        self.logger = logger
        // A configuration that cannot be read fails the start: serving without it would enforce nothing.
        try await adoptLiveConfiguration()
    }

    /// Reads the live configuration and puts it in force: at start, and when another replica applied one. Throws, having
    /// changed nothing, when the stored configuration cannot be read.
    func adoptLiveConfiguration() async throws {
        let live: DesiredState
        do {
            live = try await admin.liveDeclarations()
        } catch {
            // Applied by an earlier berth, before a check it now fails (a Signer key the verifier refuses): serve it
            // with the structural checks, whose unusable keys simply verify nothing, rather than not start at all.
            logger.error("the stored configuration does not pass today's key checks; serving it as stored until the next apply fixes it",
                         metadata: ["error": "\(error)"])
            live = try await LocalAdmin(configuration: stores.database, metadata: stores.database).liveDeclarations()
        }
        await Self.adopt(live, access: access, policy: policy, webhooks: webhooks, dataDirectory: configuration.dataDirectory, logger: logger)
    }

    /// Puts declarations in force in this process: access, the manifest policy, webhooks.
    private static func adopt(_ declarations: DesiredState, access: AccessService, policy: DeclaredPolicy, webhooks: WebhookDispatcher,
                              dataDirectory: URL, logger: Logger) async {
        await configure(webhooks, declarations.webhooks, dataDirectory: dataDirectory, logger: logger)
        await access.configurationChanged(to: declarations)
        await policy.configurationChanged(to: declarations)
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
        let coordination = stores.coordination
        func leased(_ service: any Service, _ job: String) -> any Service {
            LeasedService.wrapping(service, job: job, coordination: coordination)
        }
        var services: [any Service] = [
            // First, so it stops last: every other service may use the stores until it stops.
            StoresClosing(close: stores.close),
            leased(AuditService(audit: audit, checkpointInterval: configuration.auditCheckpointInterval, retention: configuration.auditRetention,
                                registryActivity: configuration.auditsRegistryActivity, logger: logger), "audit"),
            leased(RobotCredentialRenewal(access: access, interval: configuration.credentialRenewalInterval), "robot-renewal"),
            PullTimeFlush(pulls: pulls, metadata: stores.database, interval: configuration.pullTimeFlushInterval, logger: logger),
            leased(RetentionService(keeper: retention, interval: configuration.retentionInterval, logger: logger), "retention"),
            leased(garbageCollection, "garbage-collection"),
            leased(webhooks, "webhooks"),
            leased(VulnerabilityRescans(policy: policy, checkInterval: configuration.vulnerabilityCheckInterval, clock: configuration.clock,
                                        logger: logger), "vulnerability-rescans"),
        ]
        if coordination.isShared {
            services.append(ReplicaFollower(coordination: coordination, server: self))
            services.append(leased(ScanRecovery(policy: policy, interval: configuration.scanRecoveryInterval, logger: logger), "scan-recovery"))
        }
        if let folder = configuration.vulnerabilityFolder {
            services.append(leased(VulnerabilityFolderWatch(folder: folder, feed: vulnerabilities, interval: configuration.vulnerabilityCheckInterval,
                                                            logger: logger), "vulnerability-import"))
        }
        if let reconcileLoop { services.append(leased(reconcileLoop, "reconcile")) }
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
