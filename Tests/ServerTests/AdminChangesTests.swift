import Foundation
import Server
import TestSupport
import Testing

/// `POST /admin/v1/changes` stores only what decodes as strictly as YAML.
@Suite struct AdminChangesTests {
    @Test func aChangeSetWithAnUnknownTopLevelFieldIsRefusedAndChangesNothing() async throws {
        try await withServer { client, server in
            let before = try await server.admin.liveState().fingerprint
            let spec = #"{"anonymousPull":true,"kind":"Tier","name":"basic","spec":{}}"#
            let body = try JSONSerialization.data(withJSONObject: [
                "source": ["actor": "admin-api", "summary": "hand edit"],
                "changes": [["op": "put", "kind": "Tier", "name": "basic", "spec": spec]],
            ])
            let response = try await client.request(.POST, "/admin/v1/changes", headers: [("Content-Type", "application/json")], body: Array(body))
            #expect(response.status == 400 && response.errorCode == "INVALID", "\(response.status) \(response.text)")
            #expect(response.text.contains("unknown top-level field 'anonymousPull'"), "\(response.text)")
            #expect(try await server.admin.liveState().fingerprint == before)
            #expect(try await server.admin.revisions(limit: 1).isEmpty)
        }
    }
}
