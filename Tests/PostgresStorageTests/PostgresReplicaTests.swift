import AuditRecords
import Foundation
import PostgresStorage
import Storage
import Testing

/// Two replicas, each with a pool of its own, writing to one schema at the same moment: the stores must serialize them
/// where the protocols promise an order (the audit chain, the configuration's fingerprint, import versions).
@Suite(.timeLimit(.minutes(5))) struct PostgresReplicaTests {
    /// Two pools on one new schema.
    private static func replicas(_ prefix: String) async throws -> (PostgresDatabase, PostgresDatabase) {
        let schema = PostgresTestSchemas.uniqueName(prefix)
        let first = try await PostgresTestSchemas.open(schema: schema)
        return (first, try await PostgresTestSchemas.open(schema: schema))
    }

    /// The record after `head`, as a replica's audit log would number it.
    private static func successor(of head: AuditHead, by actor: String) -> AuditLine {
        AuditLine(AuditRecord(sequence: head.sequence + 1, previous: head.hash,
                              event: AuditEvent(actor: actor, action: .manifestPush, repository: "team/app", object: "v\(head.sequence + 1)")))
    }

    @Test func auditAppendsRacingForOneHeadLeaveOneLinearChain() async throws {
        let (a, b) = try await Self.replicas("replicas_audit")
        let stores = [PostgresAuditStore(database: a), PostgresAuditStore(database: b)]
        let rounds = 20
        for _ in 0..<rounds {
            let head = try await stores[0].head()
            // Both number a record from the same head, then append at once.
            let outcomes = await withTaskGroup(of: (any Error)?.self) { group in
                for (index, store) in stores.enumerated() {
                    let line = Self.successor(of: head, by: "user:replica\(index)")
                    group.addTask {
                        do {
                            try await store.append([line])
                            return nil
                        } catch {
                            return error
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == nil }.count == 1, "exactly one replica's record continues the head")
            let refusals = outcomes.compactMap { $0 }
            #expect(refusals.count == 1)
            for refusal in refusals {
                guard case AuditStoreError.notContinuing(let stored, let appended)? = refusal as? AuditStoreError else {
                    Issue.record("the loser got \(refusal), not notContinuing")
                    continue
                }
                #expect(stored.sequence == head.sequence + 1 && appended == head.sequence + 1)
            }
        }
        // Read by the other replica: one record per round, each chained to the one before.
        let stored = try await stores[1].lines(after: 0, limit: rounds + 10)
        #expect(stored.count == rounds)
        var previous = AuditHead.empty
        for line in stored {
            let record = try AuditLine(bytes: line.bytes).record
            #expect(record.sequence == previous.sequence + 1, "at \(line.location)")
            #expect(record.previous == previous.hash, "at \(line.location): prev is the SHA-256 of the line before")
            previous = AuditHead(sequence: record.sequence, hash: AuditHash(ofLine: line.bytes))
        }
        #expect(try await stores[0].head() == previous)
        await a.shutdown()
        await b.shutdown()
    }

    @Test func auditWritersRenumberingAfterARefusalBuildOneChain() async throws {
        let (a, b) = try await Self.replicas("replicas_audit_retry")
        let writers = [a, a, b, b].map { PostgresAuditStore(database: $0) }
        let recordsPerWriter = 10
        // Each writer appends its records one by one, numbering each from the head it reads, and again on a refusal.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, store) in writers.enumerated() {
                group.addTask {
                    var appended = 0
                    while appended < recordsPerWriter {
                        do {
                            try await store.append([Self.successor(of: try await store.head(), by: "user:writer\(index)")])
                            appended += 1
                        } catch AuditStoreError.notContinuing {
                            continue
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let stored = try await writers[0].lines(after: 0, limit: 1000)
        #expect(stored.count == writers.count * recordsPerWriter, "every record landed once")
        var previous = AuditHead.empty
        for line in stored {
            let record = try AuditLine(bytes: line.bytes).record
            #expect(record.sequence == previous.sequence + 1 && record.previous == previous.hash, "at \(line.location)")
            previous = AuditHead(sequence: record.sequence, hash: AuditHash(ofLine: line.bytes))
        }
        await a.shutdown()
        await b.shutdown()
    }

    @Test func configurationAppliesAgainstOneFingerprintLetOneWin() async throws {
        let (a, b) = try await Self.replicas("replicas_configuration")
        let stores = [PostgresMetadataStore(database: a), PostgresMetadataStore(database: b)]
        let rounds = 10
        for round in 0..<rounds {
            let planned = try await stores[0].configuration().fingerprint
            let outcomes = await withTaskGroup(of: (any Error)?.self) { group in
                for (index, store) in stores.enumerated() {
                    let object = ConfigurationObject(kind: "Tier", name: "replica\(index)", spec: #"{"round":\#(round)}"#)
                    group.addTask {
                        do {
                            _ = try await store.apply([.put(object)], expectedFingerprint: planned,
                                                      source: ConfigurationSource(actor: "reconciler", summary: "round \(round)"))
                            return nil
                        } catch {
                            return error
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == nil }.count == 1, "exactly one apply against \(planned) lands")
            for refusal in outcomes.compactMap({ $0 }) {
                guard case ConfigurationError.stale(let expected, _)? = refusal as? ConfigurationError else {
                    Issue.record("the loser got \(refusal), not stale")
                    continue
                }
                #expect(expected == planned)
            }
        }
        // The revisions form one line: each starts from the configuration the one before left.
        let revisions = try await stores[1].revisions(limit: rounds + 10).reversed().map { $0 }
        #expect(revisions.count == rounds)
        for (earlier, later) in zip(revisions, revisions.dropFirst()) {
            #expect(later.fingerprintBefore == earlier.fingerprintAfter)
        }
        #expect(try await stores[1].configuration().fingerprint == revisions.last?.fingerprintAfter)
        await a.shutdown()
        await b.shutdown()
    }

    @Test func concurrentVulnerabilityImportsTakeConsecutiveVersions() async throws {
        let (a, b) = try await Self.replicas("replicas_vulnerabilities")
        let stores = [PostgresMetadataStore(database: a), PostgresMetadataStore(database: b)]
        let importsPerReplica = 5
        let versions = try await withThrowingTaskGroup(of: Int.self) { group in
            for (replica, store) in stores.enumerated() {
                for index in 0..<importsPerReplica {
                    group.addTask {
                        // Overlapping ids: both replicas replace the same advisories.
                        let advisories = (0..<50).map { StoredAdvisory(id: "GHSA-\($0)", body: Array("replica \(replica) import \(index)".utf8)) }
                        return try await store.importAdvisories(advisories, importedAt: Date(), countsByEcosystem: ["npm": 50],
                                                                sources: ["replica \(replica)"]).version
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(versions.sorted() == Array(1...(2 * importsPerReplica)))
        #expect(try await stores[0].latestImport()?.version == 2 * importsPerReplica)
        #expect(try await stores[1].advisories().count == 50)
        await a.shutdown()
        await b.shutdown()
    }
}
