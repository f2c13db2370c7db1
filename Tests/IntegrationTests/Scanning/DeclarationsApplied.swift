import Foundation
import TestSupport

/// Waits until the server's reconcile loop has applied its `--declarations` (Ready True): the loop runs beside the
/// listener, so a push made at once could land before the tiers that govern it exist.
func waitUntilDeclarationsApplied(_ server: BerthProcess) async throws {
    try await RegistryClient.with(baseURL: server.baseURL, authorization: "Bearer \(TestEnvironment.adminPassword)") { client in
        try await waitUntil("the declarations are applied", timeout: .seconds(20), server: server) { () async throws -> Poll<Void> in
            let response = try await client.request(.GET, "/admin/v1/status")
            let status = try JSONDecoder().decode(StatusDocument.self, from: Data(response.body))
            return status.has("Ready", "True") ? .done(()) : .notYet("\(status)")
        }
    }
}
