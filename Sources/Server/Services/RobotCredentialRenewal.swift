import ServiceLifecycle

/// Renews robot tokens as they come due: a check every interval, until the service group shuts down.
struct RobotCredentialRenewal: Service {
    let access: AccessService
    let interval: Duration

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
            await access.refreshRobotCredentials()
        }
    }
}
