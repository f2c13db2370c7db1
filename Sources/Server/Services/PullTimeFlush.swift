import Logging
import ServiceLifecycle
import Storage

/// Writes the pull times the registry noted, every interval and once more on shutdown.
struct PullTimeFlush: Service {
    let pulls: PullTimeLog
    let metadata: any MetadataStore
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            await flush()
        }
    }

    private func flush() async {
        do {
            try await pulls.flush(to: metadata)
        } catch {
            logger.error("could not record pull times; they are kept for the next flush", metadata: ["error": "\(error)"])
        }
    }
}
