import ServiceLifecycle
import Storage

/// A singleton job (reconcile, retention, GC, rescans, robot renewal, webhook delivery, the audit schedule): where
/// replicas share stores, it runs only while this replica holds its lease, and another replica takes it over when this
/// one dies. One replica alone runs it directly.
struct LeasedService: Service {
    let job: String
    let coordination: any ReplicaCoordination
    let service: any Service

    /// The service itself where there is one replica, else the service under its lease.
    static func wrapping(_ service: any Service, job: String, coordination: any ReplicaCoordination) -> any Service {
        coordination.isShared ? LeasedService(job: job, coordination: coordination, service: service) : service
    }

    func run() async throws {
        // Shutdown cancels the wait for the lease, or the job holding it: a replica leaving hands its leases on at once.
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await cancelWhenGracefulShutdown {
                try await coordination.whileHolding(job) { try await service.run() }
            }
        }
    }
}
