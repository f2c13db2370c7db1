import Foundation
import NIOHTTP1
import Server
import TestSupport
import Testing

/// What each HTTP surface answers at its edges: moving them onto the router kept every status and error body.
@Suite struct RoutingTests {
    @Test func unknownAdminEndpointsAndMethodsAreTheAdminAPIs404() async throws {
        try await withServer { client, _ in
            let wrongMethod = try await client.request(.POST, "/admin/v1/state")
            #expect(wrongMethod.status == 404 && wrongMethod.errorCode == "NOT_FOUND", "\(wrongMethod)")
            #expect(wrongMethod.text.contains("no such admin endpoint: POST /admin/v1/state"), "\(wrongMethod)")
            for path in ["/admin/v1/nothing/here", "/admin/v1", "/admin/v1/robots/ci", "/admin/v1/robots/ci/other"] {
                let unknown = try await client.request(.GET, path)
                #expect(unknown.status == 404 && unknown.errorCode == "NOT_FOUND", "\(path): \(unknown)")
            }
            let anonymous = try await client.request(.GET, "/admin/v1/nothing/here", headers: [("Authorization", "-")])
            #expect(anonymous.status == 401, "authentication comes before the endpoint is looked up: \(anonymous)")
        }
    }

    @Test func theAdminAPIAsksForBasicCredentials() async throws {
        try await withServer { client, _ in
            for path in ["/admin/v1/state", "/status"] {
                let response = try await client.request(.GET, path, headers: [("Authorization", "-")])
                #expect(response.status == 401 && response.errorCode == "UNAUTHORIZED", "\(response)")
                #expect(response["WWW-Authenticate"] == #"Basic realm="berth-admin""#, "\(response)")
            }
            let status = try await client.request(.GET, "/status")
            let adminStatus = try await client.request(.GET, "/admin/v1/status")
            #expect(status.status == 200 && status.body == adminStatus.body)
        }
    }

    @Test func theTokenEndpointRefusesOtherMethods() async throws {
        try await withServer { client, _ in
            let put = try await client.request(.PUT, "/auth/token")
            #expect(put.status == 405 && put.errorCode == "UNSUPPORTED", "\(put)")
        }
    }

    @Test func whatNoRouteClaimsIsTheRegistrys404() async throws {
        try await withServer { client, _ in
            for (method, path) in [(HTTPMethod.GET, "/nothing"), (.POST, "/metrics"), (.GET, "/"), (.DELETE, "/admin"), (.GET, "/auth"), (.GET, "/auth/other")] {
                let response = try await client.request(method, path)
                #expect(response.status == 404 && response.errorCode == "UNSUPPORTED", "\(method) \(path): \(response)")
                #expect(response["Docker-Distribution-API-Version"] == "registry/2.0", "\(method) \(path)")
            }
            let v2 = try await client.request(.GET, "/v2")
            #expect(v2.status == 200 && v2["Docker-Distribution-API-Version"] == "registry/2.0")
        }
    }
}
