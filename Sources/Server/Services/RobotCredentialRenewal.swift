import ServiceLifecycle

/// Renews robot tokens as they come due: a check every interval, until the service group shuts down.
struct RobotCredentialRenewal: Service {
    let access: AccessService
    let interval: Duration

    func run() async throws {
        // Among replicas this runs only under its lease: the holder mints, at once and then every interval.
        await access.mintingChanged(true)
        await access.refreshRobotCredentials()
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
            await access.refreshRobotCredentials()
        }
        // The lease is given up (or lost): another replica mints from now on.
        await access.mintingChanged(false)
    }
}
