import ServiceLifecycle

/// Closes the stores' connections once the server stops: the first service, so the last to stop.
struct StoresClosing: Service {
    let close: @Sendable () async -> Void

    func run() async throws {
        try? await gracefulShutdown()
        await close()
    }
}
