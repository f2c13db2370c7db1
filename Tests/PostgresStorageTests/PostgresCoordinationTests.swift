import Foundation
import Logging
import OCI
@testable import PostgresStorage
import Storage
import Synchronization
import TestSupport
import Testing

/// Two replicas' coordinations on one schema of the real server.
@Suite(.timeLimit(.minutes(5))) struct PostgresCoordinationTests {
    private func replicas(_ count: Int, schema: String = PostgresTestSchemas.uniqueName("coordination")) async throws -> [PostgresCoordination] {
        var replicas: [PostgresCoordination] = []
        for _ in 0..<count {
            let database = try await PostgresTestSchemas.open(schema: schema)
            replicas.append(PostgresCoordination(database: database, retryInterval: .milliseconds(200), logger: Logger(label: "test")))
        }
        return replicas
    }

    @Test func oneReplicaHoldsALeaseAndAnotherTakesOverWhenItsConnectionDies() async throws {
        let schema = PostgresTestSchemas.uniqueName("coordination")
        let replicas = try await replicas(2, schema: schema)
        let log = LeaseLog()
        var tasks: [Task<Void, any Error>] = []
        for (index, replica) in replicas.enumerated() {
            tasks.append(Task {
                try await replica.whileHolding("retention") {
                    log.began(index)
                    defer { log.ended() }
                    try await Task.sleep(for: .seconds(60))
                }
            })
        }
        try await waitUntil { log.holders.count == 1 }
        let first = log.holders[0]
        // The holder's connection is ended from outside, as when its process dies: the other replica takes over. Only
        // that connection: the lease's lock is found by its key (an int4 hash, sign-extended, in objid and classid).
        let server = try await RealServers.postgres()
        let terminated = try run("psql", [server.url, "-Atc", """
            SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' AND granted
              AND objid::bigint = (hashtext('\(schema)/lease/retention')::bigint & 4294967295)
            """])
        #expect(terminated.trimmedText == "1", "exactly the holder's connection is ended")
        try await waitUntil { log.holders.count == 2 }
        #expect(log.holders[1] != first)
        #expect(!log.overlapped, "two replicas held the lease at once")
        for task in tasks { task.cancel() }
        for replica in replicas { await replica.shutdown() }
    }

    @Test func aJobThatFailsGivesItsLeaseUp() async throws {
        struct JobFailed: Error {}
        let replicas = try await replicas(2)
        await #expect(throws: JobFailed.self, "the job's own error reaches the caller") {
            try await replicas[0].whileHolding("garbage-collection") { throw JobFailed() }
        }
        // The lock was the connection's, which went back to the pool: had it been kept, nobody would ever run the job.
        let ran = LeaseLog()
        let other = Task { try await replicas[1].whileHolding("garbage-collection") { ran.began(1); ran.ended() } }
        try await waitUntil { ran.holders == [1] }
        try await other.value
        for replica in replicas { await replica.shutdown() }
    }

    @Test func changesReachTheOtherReplicasButNotTheirPublisher() async throws {
        let replicas = try await replicas(2)
        let repository = RepositoryName("team/app")!
        let digest = Digest.compute(Array("manifest".utf8))
        let heardByOther = ChangeLog(listening: replicas[1])
        let heardBySelf = ChangeLog(listening: replicas[0])
        // A change published before a replica listens is not heard: each replica publishes a first one until the other
        // hears it, so both listen (under load, one LISTEN can be in place seconds after the other).
        try await waitUntil {
            let heard = !heardByOther.changes.isEmpty
            if !heard { Task { await replicas[0].publish(.robotCredentials) } }
            return heard
        }
        try await waitUntil {
            let heard = heardBySelf.changes.contains(.vulnerabilityDatabase)
            if !heard { Task { await replicas[1].publish(.vulnerabilityDatabase) } }
            return heard
        }
        await replicas[0].publish(.manifest(repository, digest))
        await replicas[0].publish(.configuration)
        // Late copies of the first change may still arrive in between.
        let published: @Sendable () -> [ReplicaChange?] = { heardByOther.changes.filter { $0 != .robotCredentials } }
        try await waitUntil { published().count >= 2 }
        #expect(published() == [.manifest(repository, digest), .configuration], "in the order published")
        #expect(!heardBySelf.changes.contains { $0 != .vulnerabilityDatabase }, "a replica does not hear its own changes")
        heardByOther.stop()
        heardBySelf.stop()
        for replica in replicas { await replica.shutdown() }
    }

    /// What one replica heard, in order.
    private final class ChangeLog: Sendable {
        private let heard = Mutex<[ReplicaChange?]>([])
        private let listening = Mutex<Task<Void, Never>?>(nil)

        init(listening replica: PostgresCoordination) {
            let stream = replica.changes()
            let task = Task { [weak self] in
                for await change in stream { self?.heard.withLock { $0.append(change) } }
            }
            listening.withLock { $0 = task }
        }

        var changes: [ReplicaChange?] { heard.withLock { $0 } }

        func stop() { listening.withLock { $0?.cancel() } }
    }

    @Test func everyReplicaGetsTheSameSharedKey() async throws {
        let replicas = try await replicas(3)
        let keys = try await withThrowingTaskGroup(of: String?.self) { group in
            for (index, replica) in replicas.enumerated() {
                group.addTask { try await replica.sharedKey(named: "token-signing-key", create: { "key of replica \(index)" }) }
            }
            return try await group.reduce(into: Set<String?>()) { $0.insert($1) }
        }
        #expect(keys.count == 1)
        for replica in replicas { await replica.shutdown() }
    }

    /// Who held the lease, in order, and whether two ever held it at once.
    private final class LeaseLog: Sendable {
        private let state = Mutex((holders: [Int](), running: 0, overlapped: false))
        var holders: [Int] { state.withLock { $0.holders } }
        var overlapped: Bool { state.withLock { $0.overlapped } }

        func began(_ replica: Int) {
            state.withLock { state in
                state.running += 1
                if state.running > 1 { state.overlapped = true }
                state.holders.append(replica)
            }
        }

        func ended() { state.withLock { $0.running -= 1 } }
    }

    private func waitUntil(_ condition: @Sendable () -> Bool) async throws {
        // Generous: under the whole suite's load a new LISTEN can take seconds to be in place.
        let deadline = ContinuousClock.now + .seconds(30)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw ToolFailure("timed out") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
