import Reconciler
import Foundation

import Storage
import Testing

@Suite struct LocalAdminTests {
    func withAdmin(_ body: (LocalAdmin) async throws -> Void) async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("berth-admin-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let metadata = try EmbeddedStores(dataDirectory: data).metadata
        try await body(LocalAdmin(configuration: metadata, metadata: metadata))
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
}
