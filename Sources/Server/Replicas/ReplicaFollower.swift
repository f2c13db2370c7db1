import Logging
import Registry
import ServiceLifecycle
import Storage

/// Keeps this replica's caches in step with what other replicas change in the shared stores: manifests (the registry's
/// manifest cache, verdicts), the configuration, the vulnerability database, robot credentials, the login throttle.
/// Changes arrive within a second of their commit; after a gap in hearing them, everything is read again (the throttle
/// keeps what it counted).
struct ReplicaFollower: Service {
    let coordination: any ReplicaCoordination
    let server: BerthServer

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            for await change in coordination.changes() {
                await follow(change)
            }
        }
    }

    private func follow(_ change: ReplicaChange?) async {
        switch change {
        case .manifest(let repository, let digest)?:
            server.registry.manifestsChanged(in: repository)
            await server.policy.changedElsewhere(repository, digest)
        case .repository(let repository)?:
            server.registry.manifestsChanged(in: repository)
        case .configuration?:
            await adoptLiveConfiguration()
        case .vulnerabilityDatabase?:
            do {
                try await server.vulnerabilities.load()
            } catch {
                server.logger.error("could not read the vulnerability database another replica imported into", metadata: ["error": "\(error)"])
            }
        case .robotCredentials?:
            await server.access.refreshRobotCredentials()
        case .loginFailed(let identity, let address)?:
            server.access.authenticator.heard(.failed(identity: identity, address: address))
        case .loginSucceeded(let identity)?:
            server.access.authenticator.heard(.succeeded(identity: identity))
        case nil:
            server.registry.manifestsChangedEverywhere()
            await adoptLiveConfiguration()
        }
    }

    /// The configuration as the other replica applied it; one that cannot be read leaves this replica's in force (the
    /// last it read), and says so.
    private func adoptLiveConfiguration() async {
        do {
            try await server.adoptLiveConfiguration()
        } catch {
            server.logger.error("could not read the configuration another replica applied; the one read before stays in force",
                                metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
