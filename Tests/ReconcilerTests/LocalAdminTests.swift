import Declarations
import Foundation
import Reconciler
import Storage
import TestSupport
import Testing

@Suite struct LocalAdminTests {
    func withAdmin(_ body: (LocalAdmin) async throws -> Void) async throws {
        try await withAdminAndStore { admin, _ in try await body(admin) }
    }

    /// The admin endpoint, and the store under it for writes that bypass it (as a hand edit of the database would).
    func withAdminAndStore(_ body: (LocalAdmin, any ConfigurationStore) async throws -> Void) async throws {
        let temporary = try TemporaryDirectory("admin")
        defer { temporary.remove() }
        let metadata = try EmbeddedStores(dataDirectory: temporary.url).metadata
        try await body(LocalAdmin(configuration: metadata, metadata: metadata), metadata)
    }

    @Test func refusesObjectsTheRegistryCouldNotReadBack() async throws {
        try await withAdmin { (admin: LocalAdmin) async throws in
            let source = ConfigurationSource(actor: "admin-api", summary: "hand edit")
            for spec in ["not json", #"{"kind":"Tier","name":"x","spec":{"anonymousPull":"maybe"}}"#, #"{"kind":"Tier","name":"x","spec":{"unknownField":1}}"#,
                         #"{"anonymousPull":true,"kind":"Tier","name":"x","spec":{}}"#] {
                await #expect(throws: InvalidChangeSet.self) {
                    _ = try await admin.apply([.put(ConfigurationObject(kind: "Tier", name: "x", spec: spec))], expectedFingerprint: nil, source: source)
                }
            }
            await #expect(throws: InvalidChangeSet.self) {
                _ = try await admin.apply([.put(ConfigurationObject(kind: "Gadget", name: "x", spec: "{}"))], expectedFingerprint: nil, source: source)
            }
            let live = try await admin.liveState()
            let revisions = try await admin.revisions(limit: 5)
            #expect(live.objects.isEmpty)
            #expect(revisions.isEmpty)

            let valid = ConfigurationObject(kind: "Tier", name: "x", spec: #"{"kind":"Tier","name":"x","spec":{"anonymousPull":true}}"#)
            let revision = try await admin.apply([.put(valid)], expectedFingerprint: nil, source: source)
            #expect(revision.changeCount == 1)
        }
    }

    @Test func refusesAStaleChangeSet() async throws {
        try await withAdmin { (admin: LocalAdmin) async throws in
            let source = ConfigurationSource(actor: "reconciler", summary: "plan")
            let object = ConfigurationObject(kind: "Tier", name: "x", spec: #"{"kind":"Tier","name":"x","spec":{}}"#)
            await #expect(throws: ConfigurationError.self) {
                _ = try await admin.apply([.put(object)], expectedFingerprint: "sha256:0", source: source)
            }
            let live = try await admin.liveState()
            #expect(live.objects.isEmpty)
        }
    }

    @Test func aPutIsStoredInCanonicalFormWhateverBytesItCameIn() async throws {
        try await withAdmin { (admin: LocalAdmin) async throws in
            let loose = ConfigurationObject(kind: "Tier", name: "x", spec: #"{ "spec": {"anonymousPull": true}, "name": "x", "kind": "Tier" }"#)
            _ = try await admin.apply([.put(loose)], expectedFingerprint: nil, source: ConfigurationSource(actor: "admin-api", summary: "hand edit"))
            let canonical = #"{"kind":"Tier","name":"x","spec":{"anonymousPull":true}}"#
            let live = try await admin.liveState()
            #expect(live.objects.map(\.spec) == [canonical])
            #expect(live.fingerprint == ConfigurationObject.fingerprint(of: [ConfigurationObject(kind: "Tier", name: "x", spec: canonical)]))
        }
    }

    /// drift detection compares what is stored: an object stored with a field its kind does not have (written before
    /// reads were strict, or in the database by hand) is planned away, and the apply leaves a clean configuration.
    @Test func anUnreadableStoredObjectIsRewrittenOrPrunedByTheNextPlan() async throws {
        try await withAdminAndStore { admin, store in
            let junk = #"{"anonymousPull":true,"kind":"Tier","name":"basic","spec":{}}"#
            let orphan = #"{"kind":"Tier","name":"orphan","spec":{"colour":"red"}}"#
            _ = try await store.apply([.put(ConfigurationObject(kind: "Tier", name: "basic", spec: junk)),
                                       .put(ConfigurationObject(kind: "Tier", name: "orphan", spec: orphan))],
                                      expectedFingerprint: nil, source: ConfigurationSource(actor: "database", summary: "hand edit"))
            let desired = try DesiredState(canonical: [CanonicalObject(kind: .tier, name: "basic", spec: .object([:]))])
            let plan = try Reconciliation.plan(desired: desired, provenance: Provenance(reference: "test"), live: try await admin.liveState())
            #expect(plan.changes.map(\.id) == ["Tier/basic", "Tier/orphan"])
            #expect(plan.changes.map(\.action) == [.update, .delete])
            #expect(plan.changes.allSatisfy { $0.reasons.contains { $0.hasPrefix("the stored object cannot be read back: ") } }, "\(plan.changes.map(\.reasons))")
            _ = try await Reconciliation.apply(plan, through: admin, allowDestroy: false)
            #expect(try await admin.liveState().fingerprint == Reconciliation.fingerprint(of: desired))
            #expect(try Reconciliation.plan(desired: desired, provenance: Provenance(reference: "test"), live: try await admin.liveState()).isEmpty)
        }
    }
}
