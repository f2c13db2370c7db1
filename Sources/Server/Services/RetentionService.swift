import Logging
import ServiceLifecycle

/// Runs retention every interval (`--retention-interval`), until the service group shuts down.
struct RetentionService: Service {
    let keeper: RetentionKeeper
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
            do {
                _ = try await keeper.run()
            } catch {
                logger.error("retention run failed; nothing more was deleted", metadata: ["error": "\(error)"])
            }
        }
    }
}
