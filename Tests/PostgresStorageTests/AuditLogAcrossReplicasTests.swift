import Audit
import AuditRecords
import CoreMetrics
import Crypto
import Foundation
import Logging
import PostgresStorage
import Storage
import TestSupport
import Testing

/// Two replicas' audit logs on one PostgreSQL chain: each numbers its batches from the head it knows, the store refuses
/// whichever batch no longer continues the head, and its writer chains it again on top. One chain, nothing lost.
@Suite(.timeLimit(.minutes(5))) struct AuditLogAcrossReplicasTests {
    @Test func twoReplicasRecordingAtOnceBuildOneIntactChain() async throws {
        let schema = PostgresTestSchemas.uniqueName("audit_replicas")
        let key = Curve25519.Signing.PrivateKey()
        var databases: [PostgresDatabase] = []
        var logs: [AuditLog] = []
        for _ in 0..<2 {
            let database = try await PostgresTestSchemas.open(schema: schema)
            databases.append(database)
            logs.append(try await AuditLog(store: PostgresAuditStore(database: database), key: key, checkpointEvery: 25,
                                           metrics: NOOPMetricsHandler.instance, logger: Logger(label: "test")))
        }
        // Both replicas start from the empty head, so their first batches already collide.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (replica, log) in logs.enumerated() {
                for writer in 0..<5 {
                    group.addTask {
                        for number in 0..<20 {
                            try await log.record(AuditEvent(actor: "replica-\(replica)", action: .manifestPush, repository: "team/app",
                                                            object: "writer-\(writer)-\(number)"))
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let store = PostgresAuditStore(database: databases[0])
        let verification = try await AuditVerification.check(store, key: key.publicKey)
        #expect(verification.isIntact, "\(String(describing: verification.failure))")
        #expect(verification.last == 200)
        #expect(verification.checkpointsChecked > 0, "checkpoints signed by both replicas verify against the one chain")
        let records = try await store.records(after: 0, limit: 1_000)
        var expected: Set<String> = []
        for replica in 0..<2 { for writer in 0..<5 { for number in 0..<20 { expected.insert("replica-\(replica) writer-\(writer)-\(number)") } } }
        #expect(Set(records.map { "\($0.event.actor) \($0.event.object ?? "")" }) == expected, "every record is in the chain once")
        for database in databases { await database.shutdown() }
    }
}
