import Foundation
import Logging
import OCI
@testable import PostgresStorage
import Storage
import Synchronization
import TestSupport
import Testing

/// Two replicas' coordinations on one schema of the real server.
@Suite struct PostgresCoordinationTests {
    private func replicas(_ count: Int, schema: String = "coordination_\(UInt32.random(in: 0...UInt32.max))") async throws -> [PostgresCoordination] {
        let server = try await RealServers.postgres()
        let address = try PostgresAddress(server.url + "?sslmode=disable&schema=\(schema)")
        var replicas: [PostgresCoordination] = []
        for _ in 0..<count {
            let database = try await PostgresDatabase(address: address, maximumConnections: 4, logger: Logger(label: "test"))
            replicas.append(PostgresCoordination(database: database, retryInterval: .milliseconds(200), logger: Logger(label: "test")))
        }
        return replicas
    }

    @Test func oneReplicaHoldsALeaseAndAnotherTakesOverWhenItsConnectionDies() async throws {
        let schema = "coordination_\(UInt32.random(in: 0...UInt32.max))"
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

    @Test func changesReachTheOtherReplicasButNotTheirPublisher() async throws {
        let replicas = try await replicas(2)
        let repository = RepositoryName("team/app")!
        let digest = Digest.compute(Array("manifest".utf8))
        var heardByOther = replicas[1].changes().makeAsyncIterator()
        let heardBySelf = Mutex<[ReplicaChange?]>([])
        let selfListener = Task {
            for await change in replicas[0].changes() { heardBySelf.withLock { $0.append(change) } }
        }
        try await Task.sleep(for: .milliseconds(500))  // both LISTENs are in place
        await replicas[0].publish(.manifest(repository, digest))
        await replicas[0].publish(.configuration)
        #expect(await heardByOther.next() == .some(.manifest(repository, digest)))
        #expect(await heardByOther.next() == .some(.configuration))
        try await Task.sleep(for: .milliseconds(300))
        #expect(heardBySelf.withLock { $0 }.isEmpty)
        selfListener.cancel()
        for replica in replicas { await replica.shutdown() }
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
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw ToolFailure("timed out") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
