import Foundation
import Storage
import TestSupport
import Testing

/// The contract every `ConfigurationStore` must honour.
@Suite struct ConfigurationStoreConformance {
    let tier = ConfigurationObject(kind: "Tier", name: "internal", spec: #"{"anonymousPull":false}"#)
    let repository = ConfigurationObject(kind: "Repository", name: "payments/api", spec: #"{"tier":"internal"}"#)
    let source = ConfigurationSource(actor: "reconciler", commit: "abc123", author: "Alice <alice@example.com>", summary: "2 to create")

    @Test(arguments: MetadataDriver.allCases)
    func appliesChangeSetsAndRecordsRevisions(driver: MetadataDriver) async throws {
        try await withTemporaryDirectory { directory in
            let store = try driver.make(in: directory)
            let empty = try await store.configuration()
            #expect(empty.objects.isEmpty)
            let first = try await store.apply([.put(tier), .put(repository)], expectedFingerprint: empty.fingerprint, source: source)
            #expect(first.fingerprintBefore == empty.fingerprint)
            let live = try await store.configuration()
            #expect(live.objects == [repository, tier])
            #expect(live.fingerprint == first.fingerprintAfter)
            #expect(live.fingerprint == ConfigurationObject.fingerprint(of: [tier, repository]))

            var changed = tier
            changed.spec = #"{"anonymousPull":true}"#
            let second = try await store.apply([.put(changed), .delete(kind: "Repository", name: "payments/api")],
                                               expectedFingerprint: live.fingerprint,
                                               source: ConfigurationSource(actor: "admin-api", summary: "edit"))
            #expect(try await store.configuration().objects == [changed])
            let revisions = try await store.revisions(limit: 10)
            #expect(revisions.map(\.id) == [second.id, first.id])
            #expect(revisions.last?.source == source)
            #expect(revisions.first?.changeCount == 2)
        }
    }

    @Test(arguments: MetadataDriver.allCases)
    func refusesAStaleChangeSetAndChangesNothing(driver: MetadataDriver) async throws {
        try await withTemporaryDirectory { directory in
            let store = try driver.make(in: directory)
            let planned = try await store.configuration().fingerprint
            _ = try await store.apply([.put(tier)], expectedFingerprint: nil, source: source)
            let current = try await store.configuration().fingerprint
            await #expect(throws: ConfigurationError.stale(expected: planned, actual: current)) {
                _ = try await store.apply([.put(repository)], expectedFingerprint: planned, source: source)
            }
            #expect(try await store.configuration().objects == [tier])
            #expect(try await store.revisions(limit: 10).count == 1)
        }
    }

    @Test func fingerprintIgnoresOrderButNotContent() {
        #expect(ConfigurationObject.fingerprint(of: [tier, repository]) == ConfigurationObject.fingerprint(of: [repository, tier]))
        var other = tier
        other.spec = "{}"
        #expect(ConfigurationObject.fingerprint(of: [other, repository]) != ConfigurationObject.fingerprint(of: [tier, repository]))
    }
}
