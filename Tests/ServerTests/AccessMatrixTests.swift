import Foundation
import NIOHTTP1
import OCI
import TestSupport
import Testing

/// Every registry endpoint × every identity × allowed/denied, over HTTP Basic and over bearer tokens from
/// the token endpoint, asserting the exact status and error code.
@Suite("access matrix")
struct AccessMatrixTests {
    enum Operation: String, Sendable { case pull, push, delete }

    /// One registry endpoint: what it needs, and what it answers when allowed. `perform` prepares what the
    /// request needs as the bootstrap administrator, then sends the request with `authorization`.
    struct Endpoint: Sendable {
        let name: String
        let operation: Operation
        let allowedStatus: Int
        let perform: @Sendable (RegistryClient, String, String) async throws -> RegistryResponse
    }

    static let endpoints: [Endpoint] = [
        Endpoint(name: "GET manifest", operation: .pull, allowedStatus: 200) { client, repo, auth in
            let tag = "t\(UInt32.random(in: 0...UInt32.max))"
            try await client.pushImage(repo, tag: tag)
            return try await client.request(.GET, "/v2/\(repo)/manifests/\(tag)", headers: [("Authorization", auth), ("Accept", MediaType.ociManifest)])
        },
        Endpoint(name: "HEAD manifest", operation: .pull, allowedStatus: 200) { client, repo, auth in
            let image = try await client.pushImage(repo, tag: "head")
            return try await client.request(.HEAD, "/v2/\(repo)/manifests/\(image.digest)", headers: [("Authorization", auth), ("Accept", MediaType.ociManifest)])
        },
        Endpoint(name: "GET blob", operation: .pull, allowedStatus: 200) { client, repo, auth in
            let digest = try await client.pushBlob(repo, randomBytes(64))
            return try await client.request(.GET, "/v2/\(repo)/blobs/\(digest)", headers: [("Authorization", auth)])
        },
        Endpoint(name: "HEAD blob", operation: .pull, allowedStatus: 200) { client, repo, auth in
            let digest = try await client.pushBlob(repo, randomBytes(64))
            return try await client.request(.HEAD, "/v2/\(repo)/blobs/\(digest)", headers: [("Authorization", auth)])
        },
        Endpoint(name: "GET tags list", operation: .pull, allowedStatus: 200) { client, repo, auth in
            try await client.pushImage(repo, tag: "listed")
            return try await client.request(.GET, "/v2/\(repo)/tags/list", headers: [("Authorization", auth)])
        },
        Endpoint(name: "GET referrers", operation: .pull, allowedStatus: 200) { client, repo, auth in
            let image = try await client.pushImage(repo, tag: "subject")
            return try await client.request(.GET, "/v2/\(repo)/referrers/\(image.digest)", headers: [("Authorization", auth)])
        },
        Endpoint(name: "POST upload", operation: .push, allowedStatus: 202) { client, repo, auth in
            try await client.request(.POST, "/v2/\(repo)/blobs/uploads/", headers: [("Authorization", auth)])
        },
        Endpoint(name: "POST monolithic upload", operation: .push, allowedStatus: 201) { client, repo, auth in
            let bytes = randomBytes(32)
            return try await client.request(.POST, "/v2/\(repo)/blobs/uploads/?digest=\(Digest.compute(bytes))",
                                            headers: [("Authorization", auth), ("Content-Type", "application/octet-stream")], body: bytes)
        },
        Endpoint(name: "PATCH upload", operation: .push, allowedStatus: 202) { client, repo, auth in
            let location = try await client.startUpload(repo)
            return try await client.request(.PATCH, location, headers: [("Authorization", auth), ("Content-Type", "application/octet-stream")],
                                            body: randomBytes(16))
        },
        Endpoint(name: "PUT upload", operation: .push, allowedStatus: 201) { client, repo, auth in
            let location = try await client.startUpload(repo)
            let bytes = randomBytes(16)
            return try await client.request(.PUT, appendQuery(location, "digest=\(Digest.compute(bytes))"),
                                            headers: [("Authorization", auth), ("Content-Type", "application/octet-stream")], body: bytes)
        },
        Endpoint(name: "GET upload status", operation: .push, allowedStatus: 204) { client, repo, auth in
            try await client.request(.GET, try await client.startUpload(repo), headers: [("Authorization", auth)])
        },
        Endpoint(name: "DELETE upload", operation: .push, allowedStatus: 204) { client, repo, auth in
            try await client.request(.DELETE, try await client.startUpload(repo), headers: [("Authorization", auth)])
        },
        Endpoint(name: "PUT manifest", operation: .push, allowedStatus: 201) { client, repo, auth in
            let config = Array(#"{"architecture":"amd64","os":"linux"}"#.utf8)
            let layer = randomLayer(32)
            let manifest = imageManifest(config: (try await client.pushBlob(repo, config), config.count),
                                         layers: [(try await client.pushBlob(repo, layer), layer.count)])
            return try await client.request(.PUT, "/v2/\(repo)/manifests/pushed",
                                            headers: [("Authorization", auth), ("Content-Type", MediaType.ociManifest)], body: manifest)
        },
        Endpoint(name: "DELETE manifest", operation: .delete, allowedStatus: 202) { client, repo, auth in
            let image = try await client.pushImage(repo, tag: "doomed-\(UInt32.random(in: 0...UInt32.max))")
            return try await client.request(.DELETE, "/v2/\(repo)/manifests/\(image.digest)", headers: [("Authorization", auth)])
        },
        Endpoint(name: "DELETE tag", operation: .delete, allowedStatus: 202) { client, repo, auth in
            let tag = "untag-\(UInt32.random(in: 0...UInt32.max))"
            try await client.pushImage(repo, tag: tag)
            return try await client.request(.DELETE, "/v2/\(repo)/manifests/\(tag)", headers: [("Authorization", auth)])
        },
        Endpoint(name: "DELETE blob", operation: .delete, allowedStatus: 202) { client, repo, auth in
            let digest = try await client.pushBlob(repo, randomBytes(48))
            return try await client.request(.DELETE, "/v2/\(repo)/blobs/\(digest)", headers: [("Authorization", auth)])
        },
    ]

    /// Who asks, and what each may do on the private (`team/app`) and public (`open/app`) repositories.
    struct Identity: Sendable {
        let name: String
        /// Nil for anonymous, "admin" for the bootstrap administrator.
        let login: String?
        let privateRepository: Set<Operation>
        let publicRepository: Set<Operation>
    }

    static let identities: [Identity] = [
        Identity(name: "anonymous", login: nil, privateRepository: [], publicRepository: [.pull]),
        Identity(name: "reader", login: "reader", privateRepository: [.pull], publicRepository: [.pull]),
        Identity(name: "writer (through a team)", login: "writer", privateRepository: [.pull, .push], publicRepository: [.pull, .push]),
        Identity(name: "deleter", login: "deleter", privateRepository: [.pull, .delete], publicRepository: [.pull, .delete]),
        Identity(name: "owner (admin on team/**)", login: "owner", privateRepository: [.pull, .push, .delete], publicRepository: [.pull, .push, .delete]),
        Identity(name: "outsider (reader of other/**)", login: "outsider", privateRepository: [], publicRepository: [.pull]),
        Identity(name: "root (admin on **)", login: "root", privateRepository: [.pull, .push, .delete], publicRepository: [.pull, .push, .delete]),
        Identity(name: "bootstrap admin", login: "admin", privateRepository: [.pull, .push, .delete], publicRepository: [.pull, .push, .delete]),
    ]

    enum Credential: String, Sendable, CaseIterable { case basic, bearer }

    static func authorization(for identity: Identity, _ credential: Credential, repository: String, client: RegistryClient) async throws -> String {
        switch credential {
        case .basic:
            guard let login = identity.login else { return "-" }
            return login == "admin" ? testAdminAuthorization : AccessFixture.basic(login)
        case .bearer:
            let basic = identity.login.map { $0 == "admin" ? testAdminAuthorization : AccessFixture.basic($0) } ?? "-"
            let token = try await client.token(scope: "repository:\(repository):pull,push,delete", authorization: basic)
            return "Bearer \(token)"
        }
    }

    @Test("every endpoint × identity × credential kind × repository")
    func matrix() async throws {
        try await withAccessRegistry { client, _ in
            var cases = 0
            for repository in ["team/app", "open/app"] {
                for identity in Self.identities {
                    let allowed = repository.hasPrefix("team/") ? identity.privateRepository : identity.publicRepository
                    for credential in Credential.allCases {
                        let authorization = try await Self.authorization(for: identity, credential, repository: repository, client: client)
                        for endpoint in Self.endpoints {
                            cases += 1
                            let response = try await endpoint.perform(client, repository, authorization)
                            let label = "\(endpoint.name) \(repository) as \(identity.name) via \(credential)"
                            if allowed.contains(endpoint.operation) {
                                #expect(response.status == endpoint.allowedStatus, "\(label): \(response.status) \(response.text)")
                            } else if identity.login == nil {
                                #expect(response.status == 401, "\(label): \(response.status) \(response.text)")
                                if endpoint.name.hasPrefix("HEAD") { continue }
                                #expect(response.errorCode == "UNAUTHORIZED", "\(label): \(response.text)")
                                let challenge = response["WWW-Authenticate"] ?? ""
                                #expect(challenge.hasPrefix("Bearer realm=\"http://127.0.0.1:"), "\(label): \(challenge)")
                                #expect(challenge.contains("scope=\"repository:\(repository):"), "\(label): \(challenge)")
                            } else {
                                #expect(response.status == 403, "\(label): \(response.status) \(response.text)")
                                if endpoint.name.hasPrefix("HEAD") { continue }
                                #expect(response.errorCode == "DENIED", "\(label): \(response.text)")
                            }
                        }
                    }
                }
            }
            #expect(cases == 2 * Self.identities.count * Credential.allCases.count * Self.endpoints.count)
            print("access matrix: \(cases) cases")
        }
    }
}

extension AccessMatrixTests {
    /// Endpoints that are not about one repository: the version check, the catalog and the admin API.
    struct ServiceEndpoint: Sendable {
        let method: String
        let path: String
        let body: [UInt8]?
        /// What may call it: any authenticated caller, or registry administrators only.
        let administratorsOnly: Bool
    }

    static let serviceEndpoints: [ServiceEndpoint] = [
        ServiceEndpoint(method: "GET", path: "/v2/", body: nil, administratorsOnly: false),
        ServiceEndpoint(method: "GET", path: "/v2/_catalog", body: nil, administratorsOnly: false),
        ServiceEndpoint(method: "GET", path: "/admin/v1/state", body: nil, administratorsOnly: true),
        ServiceEndpoint(method: "GET", path: "/admin/v1/revisions", body: nil, administratorsOnly: true),
        ServiceEndpoint(method: "GET", path: "/admin/v1/status", body: nil, administratorsOnly: true),
        ServiceEndpoint(method: "GET", path: "/status", body: nil, administratorsOnly: true),
        ServiceEndpoint(method: "GET", path: "/admin/v1/robots", body: nil, administratorsOnly: true),
        ServiceEndpoint(method: "GET", path: "/admin/v1/security-events", body: nil, administratorsOnly: true),
        ServiceEndpoint(method: "POST", path: "/admin/v1/changes",
                        body: Array(#"{"source":{"actor":"admin-api","summary":"nothing"},"changes":[]}"#.utf8), administratorsOnly: true),
    ]

    @Test("version check, catalog and admin API × identity × credential kind")
    func serviceMatrix() async throws {
        try await withAccessRegistry { client, _ in
            var cases = 0
            for identity in Self.identities {
                let administrator = identity.login == "root" || identity.login == "admin"
                for credential in Credential.allCases {
                    let authorization: String
                    switch credential {
                    case .basic:
                        authorization = try await Self.authorization(for: identity, .basic, repository: "team/app", client: client)
                    case .bearer:
                        let basic = try await Self.authorization(for: identity, .basic, repository: "team/app", client: client)
                        authorization = "Bearer " + (try await client.token(scope: "registry:catalog:*", authorization: basic))
                    }
                    for endpoint in Self.serviceEndpoints {
                        cases += 1
                        let response = try await client.request(.init(rawValue: endpoint.method), endpoint.path,
                                                                headers: [("Authorization", authorization), ("Content-Type", "application/json")],
                                                                body: endpoint.body)
                        let label = "\(endpoint.method) \(endpoint.path) as \(identity.name) via \(credential)"
                        let admin = endpoint.path.hasPrefix("/admin/") || endpoint.path == "/status"
                        if identity.login == nil {
                            #expect(response.status == 401, "\(label): \(response.status) \(response.text)")
                            #expect(response.text.contains("UNAUTHORIZED"), "\(label): \(response.text)")
                            #expect(response["WWW-Authenticate"]?.hasPrefix(admin ? "Basic " : "Bearer ") == true, "\(label)")
                        } else if endpoint.administratorsOnly && !administrator {
                            #expect(response.status == 403, "\(label): \(response.status) \(response.text)")
                            #expect(response.text.contains("DENIED"), "\(label): \(response.text)")
                        } else {
                            #expect(response.status == 200, "\(label): \(response.status) \(response.text)")
                        }
                    }
                }
            }
            #expect(cases == Self.identities.count * Credential.allCases.count * Self.serviceEndpoints.count)
        }
    }
}

extension RegistryClient {
    /// Starts an upload session as the bootstrap administrator and returns its location.
    func startUpload(_ repository: String) async throws -> String {
        let start = try await request(.POST, "/v2/\(repository)/blobs/uploads/")
        guard start.status == 202, let location = start["Location"] else { throw TestFailure("POST upload: \(start.status) \(start.text)") }
        return location
    }

    /// A registry token from `/auth/token` for `scope`.
    func token(scope: String, authorization: String) async throws -> String {
        let response = try await request(.GET, "/auth/token?service=berth&scope=\(scope)", headers: [("Authorization", authorization)])
        guard response.status == 200 else { throw TestFailure("token: \(response.status) \(response.text)") }
        struct Body: Decodable { let token: String }
        return try response.json(Body.self).token
    }
}
