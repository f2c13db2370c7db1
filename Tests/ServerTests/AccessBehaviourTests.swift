import Access
import Server
import Crypto
import Foundation
import OCI
import TestSupport
import Testing

@Suite("access: tokens, listing, mounts, admin API, throttling, robots")
struct AccessBehaviourTests {
    /// The claims of a JWT, read without verifying it (the server verifies; the test reads what it granted).
    static func claims(_ token: String) throws -> [String: Any] {
        let parts = token.split(separator: ".")
        guard parts.count == 3 else { throw TestFailure("not a JWS: \(parts.count) parts") }
        var base64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw TestFailure("payload is not JSON")
        }
        return object
    }

    static func access(_ token: String) throws -> [String: [String]] {
        let entries = try claims(token)["access"] as? [[String: Any]] ?? []
        var result: [String: [String]] = [:]
        for entry in entries {
            result["\(entry["type"] ?? ""):\(entry["name"] ?? "")"] = entry["actions"] as? [String]
        }
        return result
    }

    @Test("the token endpoint grants only the requested actions the subject holds")
    func tokenEndpointIntersects() async throws {
        try await withAccessRegistry { client, _ in
            let reader = try await client.token(scope: "repository:team/app:pull,push,delete", authorization: AccessFixture.basic("reader"))
            #expect(try Self.access(reader) == ["repository:team/app": ["pull"]])
            #expect(try Self.claims(reader)["sub"] as? String == "user:reader")
            #expect(try Self.claims(reader)["aud"] as? String == "berth")

            let writer = try await client.token(scope: "repository:team/app:pull,push", authorization: AccessFixture.basic("writer"))
            #expect(try Self.access(writer) == ["repository:team/app": ["pull", "push"]])

            let anonymousPrivate = try await client.token(scope: "repository:team/app:pull", authorization: "-")
            #expect(try Self.access(anonymousPrivate).isEmpty)
            #expect(try Self.claims(anonymousPrivate)["sub"] as? String == "anonymous")
            let anonymousPublic = try await client.token(scope: "repository:open/app:pull,push", authorization: "-")
            #expect(try Self.access(anonymousPublic) == ["repository:open/app": ["pull"]])

            let catalog = try await client.token(scope: "registry:catalog:*", authorization: AccessFixture.basic("outsider"))
            #expect(try Self.access(catalog) == ["registry:catalog": ["*"]])
            #expect(try Self.access(try await client.token(scope: "registry:catalog:*", authorization: "-")).isEmpty)

            let wrong = try await client.request(.GET, "/auth/token?service=berth&scope=repository:team/app:pull",
                                                 headers: [("Authorization", AccessFixture.basic("reader", "nope"))])
            #expect(wrong.status == 401 && wrong.errorCode == "UNAUTHORIZED", "\(wrong.status) \(wrong.text)")
            #expect(!wrong.text.contains("nope"))
        }
    }

    @Test("forged, expired, tampered and re-scoped tokens are refused")
    func hostileTokens() async throws {
        try await withAccessRegistry { client, server in
            let image = try await client.pushImage("team/app", tag: "v1")
            try await client.pushImage("team/other", tag: "v1")
            let path = "/v2/team/app/manifests/v1"
            func get(_ token: String, _ path: String = path) async throws -> RegistryResponse {
                try await client.request(.GET, path, headers: [("Authorization", "Bearer \(token)"), ("Accept", MediaType.ociManifest)])
            }
            let good = try await client.token(scope: "repository:team/app:pull", authorization: AccessFixture.basic("reader"))
            #expect(try await get(good).status == 200)
            #expect(try await get(good).body == image.bytes)

            let claim = [AccessClaim(type: "repository", name: "team/app", actions: ["pull", "push", "delete"])]
            let stranger = try TokenAuthority(privateKey: P256.Signing.PrivateKey(), issuer: "berth", audience: "berth")
            let forged = try await stranger.issue(subject: "user:reader", access: claim).token
            let expired = try await server.access.authenticator.tokens.issue(subject: "user:reader", access: claim,
                                                                             now: Date().addingTimeInterval(-3600)).token
            let parts = good.split(separator: ".").map(String.init)
            let payload = try JSONSerialization.data(withJSONObject: try Self.claims(good).merging(["sub": "admin"]) { $1 })
            let tampered = [parts[0], payload.base64EncodedString().replacingOccurrences(of: "=", with: "")
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_"), parts[2]].joined(separator: ".")
            let unsigned = [#"{"alg":"none","typ":"JWT"}"#, String(decoding: payload, as: UTF8.self)]
                .map { Data($0.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "") }.joined(separator: ".") + "."
            for (name, token) in [("forged", forged), ("expired", expired), ("tampered", tampered), ("alg none", unsigned), ("garbage", "x.y.z")] {
                let response = try await get(token)
                #expect(response.status == 401, "\(name): \(response.status) \(response.text)")
                #expect(response.errorCode == "UNAUTHORIZED", "\(name): \(response.text)")
                #expect(response["WWW-Authenticate"]?.contains("error=\"invalid_token\"") == true, "\(name): \(response["WWW-Authenticate"] ?? "")")
            }
            // A good token used on another repository: the reader may pull there, the token does not say so.
            let rescoped = try await get(good, "/v2/team/other/manifests/v1")
            #expect(rescoped.status == 401 && rescoped.errorCode == "UNAUTHORIZED", "\(rescoped.status) \(rescoped.text)")
            #expect(rescoped["WWW-Authenticate"]?.contains("error=\"insufficient_scope\"") == true)
            #expect(rescoped["WWW-Authenticate"]?.contains("scope=\"repository:team/other:pull\"") == true)
            // A writer's pull-only token cannot push; a reader's token cannot push whatever it claims.
            let writerPull = try await client.token(scope: "repository:team/app:pull", authorization: AccessFixture.basic("writer"))
            let push = try await client.request(.POST, "/v2/team/app/blobs/uploads/", headers: [("Authorization", "Bearer \(writerPull)")])
            #expect(push.status == 401 && push["WWW-Authenticate"]?.contains("insufficient_scope") == true, "\(push.status)")
            let readerClaimingPush = try await server.access.authenticator.tokens.issue(subject: "user:reader", access: claim).token
            let denied = try await client.request(.POST, "/v2/team/app/blobs/uploads/", headers: [("Authorization", "Bearer \(readerClaimingPush)")])
            #expect(denied.status == 403 && denied.errorCode == "DENIED", "\(denied.status) \(denied.text)")
            // A token for a subject that is not declared (any more) is refused.
            let ghost = try await server.access.authenticator.tokens.issue(subject: "user:ghost", access: claim).token
            #expect(try await get(ghost).status == 401)
        }
    }

    @Test("GET /v2/ challenges anonymous callers with the token endpoint")
    func ping() async throws {
        try await withAccessRegistry { client, _ in
            let anonymous = try await client.request(.GET, "/v2/", headers: [("Authorization", "-")])
            #expect(anonymous.status == 401 && anonymous.errorCode == "UNAUTHORIZED")
            let challenge = anonymous["WWW-Authenticate"] ?? ""
            #expect(challenge.hasPrefix("Bearer realm=\"http://127.0.0.1:"), "\(challenge)")
            #expect(challenge.hasSuffix("/auth/token\",service=\"berth\""), "\(challenge)")
            #expect(try await client.request(.GET, "/v2/", headers: [("Authorization", AccessFixture.basic("outsider"))]).status == 200)
            let token = try await client.token(scope: "repository:open/app:pull", authorization: "-")
            #expect(try await client.request(.GET, "/v2/", headers: [("Authorization", "Bearer \(token)")]).status == 401,
                    "an anonymous token is not a login")
        }
    }

    @Test("the catalog lists only what the caller may pull, page by page")
    func catalogIsFiltered() async throws {
        try await withAccessRegistry { client, _ in
            for repository in ["team/app", "open/app", "other/app", "secret/app"] { try await client.pushImage(repository, tag: "v1") }
            func catalog(_ authorization: String, _ query: String = "") async throws -> RegistryResponse {
                try await client.request(.GET, "/v2/_catalog\(query)", headers: [("Authorization", authorization)])
            }
            struct Catalog: Decodable { let repositories: [String] }
            #expect(try await catalog(AccessFixture.basic("reader")).json(Catalog.self).repositories == ["open/app", "team/app"])
            #expect(try await catalog(AccessFixture.basic("outsider")).json(Catalog.self).repositories == ["open/app", "other/app"])
            #expect(try await catalog(testAdminAuthorization).json(Catalog.self).repositories == ["open/app", "other/app", "secret/app", "team/app"])
            let anonymous = try await catalog("-")
            #expect(anonymous.status == 401 && anonymous["WWW-Authenticate"]?.contains("registry:catalog:*") == true)

            let first = try await catalog(AccessFixture.basic("reader"), "?n=1")
            #expect(try first.json(Catalog.self).repositories == ["open/app"])
            #expect(first["Link"] == "</v2/_catalog?n=1&last=open/app>; rel=\"next\"")
            let second = try await catalog(AccessFixture.basic("reader"), "?n=1&last=open/app")
            #expect(try second.json(Catalog.self).repositories == ["team/app"])
            #expect(second["Link"] == nil)

            let token = try await client.token(scope: "registry:catalog:*", authorization: AccessFixture.basic("outsider"))
            #expect(try await catalog("Bearer \(token)").json(Catalog.self).repositories == ["open/app", "other/app"])
            let noCatalogScope = try await client.token(scope: "repository:other/app:pull", authorization: AccessFixture.basic("outsider"))
            #expect(try await catalog("Bearer \(noCatalogScope)").status == 401)
        }
    }

    @Test("a cross-repository mount needs pull on the source")
    func mountNeedsPullOnSource() async throws {
        try await withAccessRegistry { client, _ in
            let secret = try await client.pushBlob("secret/app", randomBytes(100))
            let open = try await client.pushBlob("open/app", randomBytes(100))
            let writer = AccessFixture.basic("writer")
            let refused = try await client.request(.POST, "/v2/team/app/blobs/uploads/?mount=\(secret)&from=secret/app", headers: [("Authorization", writer)])
            #expect(refused.status == 202, "no pull on secret/app: an ordinary upload, not a mount (\(refused.status))")
            #expect(try await client.request(.HEAD, "/v2/team/app/blobs/\(secret)").status == 404)
            // Nor does leaving `from` out find it: only repositories the caller may pull are searched.
            let undirected = try await client.request(.POST, "/v2/team/app/blobs/uploads/?mount=\(secret)", headers: [("Authorization", writer)])
            #expect(undirected.status == 202, "\(undirected.status)")
            #expect(try await client.request(.HEAD, "/v2/team/app/blobs/\(secret)").status == 404)
            #expect(try await client.request(.POST, "/v2/team/app/blobs/uploads/?mount=\(open)", headers: [("Authorization", writer)]).status == 201)
            let mounted = try await client.request(.POST, "/v2/team/app/blobs/uploads/?mount=\(open)&from=open/app", headers: [("Authorization", writer)])
            #expect(mounted.status == 201, "\(mounted.status) \(mounted.text)")
        }
    }

    @Test("a mount's challenge asks for pull on the source as well, and a token for it mounts")
    func mountChallengeCoversTheSource() async throws {
        try await withAccessRegistry { client, _ in
            let open = try await client.pushBlob("open/app", randomBytes(100))
            let path = "/v2/team/app/blobs/uploads/?mount=\(open)&from=open/app"
            let challenged = try await client.request(.POST, path, headers: [("Authorization", "-")])
            #expect(challenged.status == 401)
            let challenge = try #require(challenged["WWW-Authenticate"])
            #expect(challenge.contains(#"scope="repository:team/app:pull,push repository:open/app:pull""#), "\(challenge)")
            // As a client does: ask for exactly the challenge's scope, then retry with the token. Go's form encoding
            // writes the space as '+', others as %20.
            for spaced in ["%20", "+"] {
                let token = try await client.token(scope: "repository:team/app:pull,push\(spaced)repository:open/app:pull", authorization: AccessFixture.basic("writer"))
                #expect(try Self.access(token) == ["repository:team/app": ["pull", "push"], "repository:open/app": ["pull"]])
                let mounted = try await client.request(.POST, path, headers: [("Authorization", "Bearer \(token)")])
                #expect(mounted.status == 201, "\(mounted.status) \(mounted.text)")
            }
            // A token for the target alone is sent back for the source's scope, when the caller may pull the source…
            let narrow = try await client.token(scope: "repository:team/app:pull,push", authorization: AccessFixture.basic("writer"))
            let insufficient = try await client.request(.POST, path, headers: [("Authorization", "Bearer \(narrow)")])
            #expect(insufficient.status == 401)
            #expect(insufficient["WWW-Authenticate"]?.contains(#"scope="repository:team/app:pull,push repository:open/app:pull",error="insufficient_scope""#) == true,
                    "\(insufficient["WWW-Authenticate"] ?? "")")
            // …and gets an ordinary upload when it may not.
            let secret = try await client.pushBlob("secret/app", randomBytes(100))
            let refused = try await client.request(.POST, "/v2/team/app/blobs/uploads/?mount=\(secret)&from=secret/app",
                                                   headers: [("Authorization", "Bearer \(narrow)")])
            #expect(refused.status == 202, "\(refused.status) \(refused.text)")
            // Without from, or from the target itself, the challenge names the target alone.
            let plain = try await client.request(.POST, "/v2/team/app/blobs/uploads/?mount=\(open)&from=team/app", headers: [("Authorization", "-")])
            #expect(plain["WWW-Authenticate"]?.contains(#"scope="repository:team/app:pull,push""#) == true)
        }
    }

    @Test("repository-name tricks are rejected before access is decided")
    func nameTricks() async throws {
        try await withAccessRegistry { client, _ in
            try await client.pushImage("team/app", tag: "v1")
            let paths = [
                "/v2/open/../team/app/manifests/v1", "/v2/open/app/../../team/app/tags/list", "/v2/team%2Fapp/manifests/v1",
                "/v2/open%2F..%2Fteam%2Fapp/manifests/v1", "/v2/Team/App/manifests/v1", "/v2/TEAM/app/tags/list", "/v2/team/app%00/tags/list",
                "/v2/./team/app/tags/list", "/v2/team//app/tags/list",
            ]
            for path in paths {
                for authorization in ["-", AccessFixture.basic("outsider")] {
                    let response = try await client.request(.GET, path, headers: [("Authorization", authorization), ("Accept", MediaType.ociManifest)])
                    #expect(response.status == 400 && response.errorCode == "NAME_INVALID", "\(path): \(response.status) \(response.text)")
                }
            }
        }
    }

    @Test("the admin API needs a registry administrator; failures are recorded without credentials")
    func adminAPI() async throws {
        try await withAccessRegistry { client, _ in
            #expect(try await client.request(.GET, "/admin/v1/state", headers: [("Authorization", AccessFixture.basic("root"))]).status == 200)
            #expect(try await client.request(.GET, "/admin/v1/state").status == 200, "bootstrap admin")
            let owner = try await client.request(.GET, "/admin/v1/state", headers: [("Authorization", AccessFixture.basic("owner"))])
            #expect(owner.status == 403 && owner.text.contains("DENIED"), "admin on team/** is not registry admin")
            let anonymous = try await client.request(.GET, "/admin/v1/state", headers: [("Authorization", "-")])
            #expect(anonymous.status == 401 && anonymous["WWW-Authenticate"] == "Basic realm=\"berth-admin\"")
            let wrong = try await client.request(.GET, "/admin/v1/state", headers: [("Authorization", AccessFixture.basic("root", "hunter2"))])
            #expect(wrong.status == 401)
            _ = try await client.request(.POST, "/v2/team/app/blobs/uploads/", headers: [("Authorization", AccessFixture.basic("reader"))])

            let events = try await client.request(.GET, "/admin/v1/security-events")
            #expect(events.status == 200)
            struct Events: Decodable {
                struct Event: Decodable { let kind, subject, address, action, reason: String }
                let events: [Event]
            }
            let list = try events.json(Events.self).events
            #expect(list.contains { $0.kind == "access-denied" && $0.subject == "user:owner" && $0.action == "GET /admin/v1/state" })
            #expect(list.contains { $0.kind == "authentication-failed" && $0.subject == "root" && $0.address == "127.0.0.1" })
            #expect(list.contains { $0.kind == "access-denied" && $0.subject == "user:reader" && $0.action == "push team/app" })
            #expect(!events.text.contains("hunter2") && !events.text.contains("reader-password"))
            let metrics = try await client.request(.GET, "/metrics", headers: [("Authorization", "-")]).text
            #expect(metrics.contains("berth_security_events_total{kind=\"access-denied\"} 2"), "\(metrics)")
            #expect(metrics.contains("berth_security_events_total{kind=\"authentication-failed\"} 1"), "\(metrics)")
        }
    }

    @Test("failed logins are throttled per identity, then per address")
    func throttling() async throws {
        try await withAccessRegistry { client, _ in
            func ping(_ authorization: String) async throws -> RegistryResponse {
                try await client.request(.GET, "/v2/", headers: [("Authorization", authorization)])
            }
            for attempt in 1...5 {
                let response = try await ping(AccessFixture.basic("reader", "guess-\(attempt)"))
                #expect(response.status == 401, "attempt \(attempt): \(response.status)")
            }
            let locked = try await ping(AccessFixture.basic("reader"))
            #expect(locked.status == 429 && locked.errorCode == "TOOMANYREQUESTS", "\(locked.status) \(locked.text)")
            #expect(Int(locked["Retry-After"] ?? "") ?? 0 > 0)
            #expect(try await ping(AccessFixture.basic("writer")).status == 200, "other identities from the address still log in")
            let token = try await client.request(.GET, "/auth/token?service=berth", headers: [("Authorization", AccessFixture.basic("reader"))])
            #expect(token.status == 429, "the token endpoint shares the limit")
            // Spraying many identities from one address trips the address limit.
            for index in 0..<16 { _ = try await ping(AccessFixture.basic("nobody\(index)", "x")) }
            #expect(try await ping(AccessFixture.basic("deleter")).status == 429)
        }
    }
}
