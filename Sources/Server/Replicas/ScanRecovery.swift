import Enforcement
import Logging
import ServiceLifecycle

/// Among replicas, the replica that takes a push scans its layers, and the others wait to be told the result. When that
/// replica dies mid-scan nobody would tell them. The holder of the `scan-recovery` lease therefore looks every
/// `interval` for images still waiting for a scan; one that waited at the previous look too gets its scans started here
/// (or its verdict computed from a report stored meanwhile).
struct ScanRecovery: Service {
    let policy: DeclaredPolicy
    let interval: Duration
    let logger: Logger

    func run() async throws {
        var waiting: Set<ManifestKey> = []
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
            let now = policy.imagesAwaitingScans
            let stalled = now.intersection(waiting)
            waiting = now
            guard !stalled.isEmpty else { continue }
            logger.notice("resuming layer scans another replica left unfinished", metadata: ["images": "\(stalled.count)"])
            await policy.resumeScans(of: stalled)
        }
    }
}
