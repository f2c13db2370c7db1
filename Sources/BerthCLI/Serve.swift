import Access
import ArgumentParser
import CSystemCalls
import ContentAnalysis
import Reconciler
import Server
import Declarations
import Foundation
import Hummingbird
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the registry.")

    @Option(help: "Address to listen on, HOST:PORT. Port 0 picks a free port.")
    var listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 5000)

    @Option(help: "Folder holding blobs and metadata (with --metadata and --blobs: only this replica's own keys, when not shared).")
    var data: String = "./berth-data"

    @OptionGroup(title: "Scale-out stores (several replicas)") var stores: StoreOptions

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    @Option(help: """
        Log format. text: swift-log's lines on standard error. json: one object per line on standard output, keys time, \
        level, label, message, error (when there is one), metadata, source, file, line; the listening announcement is \
        such a record too (spec/logging.md).
        """)
    var logFormat: LogFormat = .text

    @Option(help: "Close a connection once its client has sent nothing for this long while the server waits for a request or a request body, e.g. 2m.")
    var idleTimeout: String = "2m"

    @Option(help: "File holding the bootstrap administrator's password (else BERTH_ADMIN_PASSWORD); the user 'admin' logs in with it. Without one, only declared identities can log in.")
    var adminPasswordFile: String?

    @OptionGroup(title: "Reconciling declarations") var source: SourceOptions

    @Option(help: "How often to reconcile the declarations, e.g. 30s, 5m.")
    var interval: String = "1m"

    @Option(help: "How often retention runs, e.g. 1h, 30m.")
    var retentionInterval: String = "1h"

    @Option(help: "How long an untagged manifest is kept before retention deletes it, e.g. 24h.")
    var untaggedGrace: String = "24h"

    @Option(help: "How often garbage collection runs, e.g. 1h.")
    var gcInterval: String = "1h"

    @Option(help: "How long a blob nothing references is kept before garbage collection deletes it, e.g. 1h (0s: at once).")
    var gcGrace: String = "1h"

    @Option(help: "How long audit records are kept: whole segments older than this are removed, and the chain stays verifiable from a signed checkpoint.")
    var auditRetention: String = "400d"

    @Option(help: "How long a manifest push waits for its layers' secret scans before the image is stored quarantined, e.g. 30s.")
    var scanWait: String = "30s"

    @Option(help: "With --metadata and --blobs: how long an image may wait for a layer scan before another replica starts it (the replica that took the push may have died), e.g. 60s.")
    var scanRecoveryInterval: String = "60s"

    /// For bench/audit.sh only: what the audit log costs the registry's hot paths is measured against a server that
    /// does not record them. The audit log's `server-start` record says so, and a warning is logged.
    @Flag(help: .hidden)
    var benchmarkWithoutRegistryAudit = false

    @Option(help: "How many layers are scanned at once (default: half the cores).")
    var scanWorkers: Int?

    @Option(help: "A layer expanding past this many bytes is unscannable, e.g. 8GiB.")
    var scanMaxExpanded: String = "8GiB"

    @Option(help: "A layer expanding past this multiple of its compressed size is unscannable (a gzip bomb).")
    var scanMaxRatio: Int = ScanLimits.standard.maxExpansionRatio

    @Option(help: "A layer with more entries than this is unscannable.")
    var scanMaxEntries: Int = ScanLimits.standard.maxEntries

    @Option(help: "A layer with a path longer than this many bytes is unscannable.")
    var scanMaxPath: Int = ScanLimits.standard.maxPathLength

    @Option(help: "A symlink chain longer than this many hops counts as a loop, which makes its layer unscannable.")
    var scanMaxSymlinkHops: Int = ScanLimits.standard.maxSymlinkHops

    @Option(help: "A folder of OSV records (JSON files, or the all.zip exports osv.dev publishes) to import into the vulnerability database at start and whenever it changes.")
    var vulndb: String?

    @Option(help: "How often the --vulndb folder is checked for changes, and tiers' rescanEvery and exception expiries are, e.g. 30s.")
    var vulndbInterval: String = "30s"

    @Flag(help: "Detect and report changes and drift, but apply nothing.")
    var reportOnly = false

    @Flag(help: "Let the reconcile loop apply destructive changes (deleting repositories that hold images, removing every admin).")
    var allowDestroy = false

    @Flag(help: "Apply only commits signed by a key in --trusted-keys.")
    var requireSignedCommits = false

    @Option(help: "Trusted signing keys (git allowed-signers format) for --require-signed-commits.")
    var trustedKeys: String?

    func run() async throws {
        UTCZoneName.apply()
        // Upload and download buffers are large and short-lived; keep them from pinning memory after use.
        berth_tune_malloc(2, 128 << 10)
        // Every connection, upload and blob being sent holds a descriptor; a soft limit of 1024 is soon reached.
        berth_raise_open_file_limit()
        guard let idleSeconds = TimeSpan(idleTimeout)?.totalSeconds, idleSeconds > 0 else {
            throw ValidationError("--idle-timeout \(idleTimeout): expected a duration such as 30s, 2m or 1h")
        }
        logFormat.bootstrap()
        var logger = Logger(label: "berth")
        logger.logLevel = logLevel
        guard let retentionSeconds = TimeSpan(retentionInterval)?.totalSeconds, retentionSeconds > 0 else {
            throw ValidationError("--retention-interval \(retentionInterval): expected a duration such as 30m or 1h")
        }
        guard let graceSeconds = TimeSpan(untaggedGrace)?.totalSeconds else {
            throw ValidationError("--untagged-grace \(untaggedGrace): expected a duration such as 1h or 24h")
        }
        var configuration = BerthServer.Configuration(
            host: listen.host, port: listen.port, dataDirectory: URL(fileURLWithPath: data),
            adminCredentials: try adminCredentials(), idleTimeout: .seconds(idleSeconds))
        configuration.retentionInterval = .seconds(retentionSeconds)
        guard let gcSeconds = TimeSpan(gcInterval)?.totalSeconds, gcSeconds > 0 else {
            throw ValidationError("--gc-interval \(gcInterval): expected a duration such as 30m or 1h")
        }
        guard let gcGraceSeconds = gcGrace == "0s" ? 0 : TimeSpan(gcGrace)?.totalSeconds else {
            throw ValidationError("--gc-grace \(gcGrace): expected a duration such as 1h, or 0s")
        }
        configuration.garbageCollectionInterval = .seconds(gcSeconds)
        configuration.garbageCollectionGrace = TimeInterval(gcGraceSeconds)
        guard let auditRetentionSeconds = TimeSpan(auditRetention)?.totalSeconds, auditRetentionSeconds >= 86_400 else {
            throw ValidationError("--audit-retention \(auditRetention): expected a duration of at least a day, such as 400d")
        }
        configuration.auditRetention = TimeInterval(auditRetentionSeconds)
        configuration.auditsRegistryActivity = !benchmarkWithoutRegistryAudit
        configuration.untaggedGrace = TimeInterval(graceSeconds)
        guard let scanWaitSeconds = scanWait == "0s" ? 0 : TimeSpan(scanWait)?.totalSeconds else {
            throw ValidationError("--scan-wait \(scanWait): expected a duration such as 30s, or 0s")
        }
        configuration.scanWait = .seconds(scanWaitSeconds)
        guard let scanRecoverySeconds = TimeSpan(scanRecoveryInterval)?.totalSeconds, scanRecoverySeconds > 0 else {
            throw ValidationError("--scan-recovery-interval \(scanRecoveryInterval): expected a duration such as 60s")
        }
        configuration.scanRecoveryInterval = .seconds(scanRecoverySeconds)
        if let scanWorkers {
            guard scanWorkers > 0 else { throw ValidationError("--scan-workers must be at least 1") }
            configuration.scanWorkers = scanWorkers
        }
        guard let expanded = ByteSize(scanMaxExpanded), scanMaxRatio > 0, scanMaxEntries > 0, scanMaxPath > 0, scanMaxSymlinkHops > 0 else {
            throw ValidationError("--scan-max-expanded \(scanMaxExpanded), --scan-max-ratio, --scan-max-entries, --scan-max-path and --scan-max-symlink-hops: expected a size such as 8GiB and positive numbers")
        }
        configuration.scanLimits = ScanLimits(maxExpandedBytes: expanded.bytes, maxExpansionRatio: scanMaxRatio, maxEntries: scanMaxEntries,
                                              maxPathLength: scanMaxPath, maxSymlinkHops: scanMaxSymlinkHops)
        guard let vulndbSeconds = TimeSpan(vulndbInterval)?.totalSeconds, vulndbSeconds > 0 else {
            throw ValidationError("--vulndb-interval \(vulndbInterval): expected a duration such as 30s or 5m")
        }
        configuration.vulnerabilityCheckInterval = .seconds(vulndbSeconds)
        if let vulndb {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: vulndb, isDirectory: &isFolder), isFolder.boolValue else {
                throw ValidationError("--vulndb \(vulndb): not a folder")
            }
            configuration.vulnerabilityFolder = URL(fileURLWithPath: vulndb)
        }
        let server = try await BerthServer(configuration: configuration, stores: try await stores.sharedStores(logger: logger), logger: logger)
        let app = server.makeApplication(reconcileLoop: try reconcileLoop(server: server, logger: logger)) { [logFormat] host, port in
            let shown = host.contains(":") ? "[\(host)]" : host
            // Scripts and tests wait for this line, so it must not sit in a buffer: both formats write it unbuffered.
            logFormat.announceListening(on: "http://\(shown):\(port)")
        }
        // SIGTERM and SIGINT shut the application down gracefully; `serve` then returns and exits 0.
        try await app.runService()
    }

    private func reconcileLoop(server: BerthServer, logger: Logger) throws -> ReconcileLoop? {
        guard source.declarations != nil || source.git != nil else {
            if requireSignedCommits { throw ValidationError("--require-signed-commits needs --git") }
            return nil
        }
        guard let seconds = TimeSpan(interval)?.totalSeconds, seconds > 0 else {
            throw ValidationError("--interval \(interval): expected a duration such as 30s, 5m or 1h")
        }
        var trust: CommitTrust?
        if requireSignedCommits {
            guard let trustedKeys else { throw ValidationError("--require-signed-commits needs --trusted-keys FILE") }
            trust = try CommitTrust(trustedKeysFile: trustedKeys)
        }
        let options = ReconcileLoop.Options(source: try source.source(), interval: .seconds(seconds), reportOnly: reportOnly,
                                            allowDestroy: allowDestroy, trust: trust)
        return ReconcileLoop(options: options, reader: source.reader, admin: server.admin, status: server.status, logger: logger,
                             driftEvents: server.recordDrift)
    }
}

extension Serve {
    func adminCredentials() throws -> AdminCredentials? {
        if let adminPasswordFile {
            guard let secret = try? String(contentsOfFile: adminPasswordFile, encoding: .utf8), let credentials = AdminCredentials(secret: secret) else {
                throw ValidationError("--admin-password-file \(adminPasswordFile): unreadable or empty")
            }
            return credentials
        }
        return ProcessInfo.processInfo.environment["BERTH_ADMIN_PASSWORD"].flatMap { AdminCredentials(secret: $0) }
    }
}

struct ListenAddress: ExpressibleByArgument {
    var host: String
    var port: Int

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    init?(argument: String) {
        guard let colon = argument.lastIndex(of: ":"), let port = Int(argument[argument.index(after: colon)...]), (0...65535).contains(port) else {
            return nil
        }
        var host = String(argument[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.host = host.isEmpty ? "0.0.0.0" : host
        self.port = port
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
