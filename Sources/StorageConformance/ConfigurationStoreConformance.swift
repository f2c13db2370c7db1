import Foundation
import Storage
import TestSupport
import Testing

/// The contract every `ConfigurationStore` must honour, as checks any driver can run against itself.
///
/// `makeStore` is called with a new empty folder for each check.
public struct ConfigurationStoreConformance: Sendable {
    public typealias MakeStore = @Sendable (URL) async throws -> any ConfigurationStore

    private let makeStore: MakeStore

    public init(makeStore: @escaping MakeStore) { self.makeStore = makeStore }

    public var allChecks: [ConformanceCheck] {
        [
            ConformanceCheck("appliesChangeSetsAndRecordsRevisions", appliesChangeSetsAndRecordsRevisions),
            ConformanceCheck("refusesAStaleChangeSetAndChangesNothing", refusesAStaleChangeSetAndChangesNothing),
        ]
    }

    /// Runs every check; each failure is recorded as an issue of the running test, naming its check.
    public func run() async { await allChecks.run() }

    private let tier = ConfigurationObject(kind: "Tier", name: "internal", spec: #"{"anonymousPull":false}"#)
    private let repository = ConfigurationObject(kind: "Repository", name: "payments/api", spec: #"{"tier":"internal"}"#)
    private let source = ConfigurationSource(actor: "reconciler", commit: "abc123", author: "Alice <alice@example.com>", summary: "2 to create",
                                             plan: "+ Tier \"internal\" {\n    + anonymousPull = false\n  }\n\nPlan: 2 to create, 0 to update, 0 to delete.\n")

    public func appliesChangeSetsAndRecordsRevisions() async throws {
        let check: Comment = "ConfigurationStoreConformance.appliesChangeSetsAndRecordsRevisions"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            let empty = try await store.configuration()
            #expect(empty.objects.isEmpty, check)
            let first = try await store.apply([.put(tier), .put(repository)], expectedFingerprint: empty.fingerprint, source: source)
            #expect(first.fingerprintBefore == empty.fingerprint, check)
            let live = try await store.configuration()
            #expect(live.objects == [repository, tier], check)
            #expect(live.fingerprint == first.fingerprintAfter, check)
            #expect(live.fingerprint == ConfigurationObject.fingerprint(of: [tier, repository]), check)

            var changed = tier
            changed.spec = #"{"anonymousPull":true}"#
            let second = try await store.apply([.put(changed), .delete(kind: "Repository", name: "payments/api")],
                                               expectedFingerprint: live.fingerprint,
                                               source: ConfigurationSource(actor: "admin-api", summary: "edit"))
            #expect(try await store.configuration().objects == [changed], check)
            let revisions = try await store.revisions(limit: 10)
            #expect(revisions.map(\.id) == [second.id, first.id], check)
            // The revision keeps its source, plan text included.
            #expect(revisions.last?.source == source, check)
            #expect(revisions.first?.source.plan == nil, check)
            #expect(revisions.first?.changeCount == 2, check)
        }
    }

    public func refusesAStaleChangeSetAndChangesNothing() async throws {
        let check: Comment = "ConfigurationStoreConformance.refusesAStaleChangeSetAndChangesNothing"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            let planned = try await store.configuration().fingerprint
            _ = try await store.apply([.put(tier)], expectedFingerprint: nil, source: source)
            let current = try await store.configuration().fingerprint
            await #expect(throws: ConfigurationError.stale(expected: planned, actual: current), check) {
                _ = try await store.apply([.put(repository)], expectedFingerprint: planned, source: source)
            }
            #expect(try await store.configuration().objects == [tier], check)
            #expect(try await store.revisions(limit: 10).count == 1, check)
        }
    }
}

