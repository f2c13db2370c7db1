import AsyncHTTPClient
import Foundation
import NIOCore
import TestSupport
import Testing

/// The console over real HTTP (no browser): who may sign in, what each viewer sees, and what leaks nowhere.
@Suite("console access", .timeLimit(.minutes(5)))
struct ConsoleAccessTests {
    static let declarations = """
        apiVersion: berth.dev/v1alpha1
        kind: Tier
        metadata: {name: open}
        spec: {scanning: {secrets: {onPush: off}, vulnerabilities: {onPush: off}}}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: Repository
        metadata: {name: "team/*"}
        spec: {tier: open, description: "Team images"}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: Repository
        metadata: {name: "hidden/*"}
        spec: {tier: open}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: Role
        metadata: {name: consumer}
        spec: {permissions: [pull]}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: RoleBinding
        metadata: {name: team-consumers}
        spec: {role: consumer, repositories: ["team/*"], subjects: [{user: reader}]}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: User
        metadata: {name: reader}
        spec: {passwordHash: "\(DeclarationFixtures.passwordHashes["reader"]!)"}

        """

    /// A client that does not follow redirects, so each 303 can be checked.
    static func withBrowserlessClient<T>(_ server: BerthProcess, _ body: (RegistryClient) async throws -> T) async throws -> T {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(3), read: .seconds(20))
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        do {
            let result = try await body(RegistryClient(base: server.baseURL.absoluteString, http: http))
            try await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    static func form(_ fields: [(String, String)]) -> [UInt8] {
        var components = URLComponents()
        components.queryItems = fields.map { URLQueryItem(name: $0.0, value: $0.1) }
        return Array((components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B").utf8)
    }

    static let formHeaders = [("Content-Type", "application/x-www-form-urlencoded")]

    /// Signs in and returns the `Cookie` header value.
    static func signIn(_ client: RegistryClient, _ name: String, _ password: String) async throws -> String {
        let response = try await client.request(.POST, "/ui/login", headers: formHeaders, body: form([("name", name), ("password", password)]))
        #expect(response.status == 303, "sign-in as \(name): \(response.status) \(response.text.prefix(300))")
        let cookie = try #require(response.header("Set-Cookie"), "no session cookie")
        return String(cookie.prefix { $0 != ";" })
    }

    static func get(_ client: RegistryClient, _ path: String, cookie: String?) async throws -> RegistryResponse {
        try await client.request(.GET, path, headers: cookie.map { [("Cookie", $0)] } ?? [])
    }

    @Test("sign-in, what a viewer may see, administrators' pages, origin checks, throttling and sign-out")
    func consoleAccess() async throws {
        try await withTemporaryDirectory("console-access") { tmp in
            let declarations = tmp.url.appendingPathComponent("declarations")
            try FileManager.default.createDirectory(at: declarations, withIntermediateDirectories: true)
            try Data(Self.declarations.utf8).write(to: declarations.appendingPathComponent("console.yaml"))
            try await withServe(data: tmp.url.appendingPathComponent("data"), logs: tmp.url, ["--declarations", declarations.path, "--interval", "1s"]) { server in
                try await waitUntilDeclarationsApplied(server)
                try await RegistryClient.with(baseURL: server.baseURL, authorization: TestEnvironment.adminAuthorization) { admin in
                    for repository in ["team/app", "hidden/secret-project"] {
                        let config = Array(#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#.utf8)
                        let configDigest = try await admin.pushBlob(repository, config)
                        let manifest = Array(try JSONSerialization.data(withJSONObject: [
                            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                            "config": ["mediaType": "application/vnd.oci.image.config.v1+json", "digest": configDigest.description, "size": config.count],
                            "layers": [], "annotations": ["org.opencontainers.image.description": "<b>bold</b> \(repository)"],
                        ] as [String: Any]))
                        let put = try await admin.pushManifest(manifest, mediaType: "application/vnd.oci.image.manifest.v1+json", to: repository, reference: "v1")
                        #expect(put.status == 201, "\(put.text)")
                    }
                }
                try await Self.withBrowserlessClient(server) { client in
                    // Without a session: sent to sign in, with the page to come back to.
                    let anonymous = try await Self.get(client, "/ui/repositories?q=team", cookie: nil)
                    #expect(anonymous.status == 303 && anonymous.header("Location") == "/ui/login?next=/ui/repositories?q%3Dteam",
                            "\(anonymous.status) \(anonymous.header("Location") ?? "")")
                    let login = try await Self.get(client, "/ui/login", cookie: nil)
                    #expect(login.status == 200 && login.text.contains(#"id="login""#))
                    for header in ["Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Server-Timing"] {
                        #expect(login.header(header) != nil, "\(header) missing")
                    }
                    #expect(login.header("Content-Security-Policy")?.contains("default-src 'none'") == true)
                    #expect(login.header("Content-Security-Policy")?.contains("script-src") == false, "no script source at all")

                    // Wrong password: 401 and an audit record; a post from another site: refused before checking anything.
                    let wrong = try await client.request(.POST, "/ui/login", headers: Self.formHeaders, body: Self.form([("name", "reader"), ("password", "nope")]))
                    #expect(wrong.status == 401 && wrong.text.contains(#"id="login-error""#) && wrong.header("Set-Cookie") == nil)
                    let crossSite = try await client.request(.POST, "/ui/login", headers: Self.formHeaders + [("Origin", "http://evil.example")],
                                                             body: Self.form([("name", "reader"), ("password", "reader-password")]))
                    #expect(crossSite.status == 403 && crossSite.header("Set-Cookie") == nil)
                    let oversized = try await client.request(.POST, "/ui/login", headers: Self.formHeaders,
                                                             body: Self.form([("name", "reader"), ("password", String(repeating: "p", count: 20_000))]))
                    #expect(oversized.status == 413, "\(oversized.status)")
                    // A `next` outside the console is ignored.
                    let elsewhere = try await client.request(.POST, "/ui/login", headers: Self.formHeaders,
                                                             body: Self.form([("name", "reader"), ("password", "reader-password"), ("next", "//evil.example/")]))
                    #expect(elsewhere.status == 303 && elsewhere.header("Location") == "/ui/")
                    // The form is decoded as browsers encode it: `next` comes back with its query intact.
                    let back = try await client.request(.POST, "/ui/login", headers: Self.formHeaders,
                                                        body: Self.form([("name", "reader"), ("password", "reader-password"), ("next", "/ui/repositories?q=team&page=1")]))
                    #expect(back.status == 303 && back.header("Location") == "/ui/repositories?q=team&page=1", "\(back.header("Location") ?? "")")
                    let cookieHeader = elsewhere.header("Set-Cookie") ?? ""
                    #expect(cookieHeader.contains("HttpOnly") && cookieHeader.contains("SameSite=Strict") && cookieHeader.contains("Path=/ui")
                            && !cookieHeader.contains("Secure"), "\(cookieHeader)")
                    let behindTLS = try await client.request(.POST, "/ui/login", headers: Self.formHeaders + [("X-Forwarded-Proto", "https")],
                                                             body: Self.form([("name", "reader"), ("password", "reader-password")]))
                    #expect(behindTLS.header("Set-Cookie")?.contains("; Secure") == true)

                    // The reader sees team/app and nothing of hidden/*: not in lists, searches, counts, charts or by URL.
                    let reader = try await Self.signIn(client, "reader", "reader-password")
                    let list = try await Self.get(client, "/ui/repositories", cookie: reader)
                    #expect(list.status == 200 && list.text.contains(#"data-repository="team/app""#))
                    let search = try await Self.get(client, "/ui/repositories?q=secret", cookie: reader)
                    let overview = try await Self.get(client, "/ui/", cookie: reader)
                    #expect(overview.text.contains("<strong>1</strong> repositories"), "the overview counts only what the reader may pull")
                    let hiddenRepository = try await Self.get(client, "/ui/repository?name=hidden/secret-project", cookie: reader)
                    let nowhere = try await Self.get(client, "/ui/repository?name=nowhere/at-all", cookie: reader)
                    #expect(hiddenRepository.status == 404 && nowhere.status == 404)
                    #expect(hiddenRepository.text == nowhere.text.replacingOccurrences(of: "nowhere/at-all", with: "hidden/secret-project"),
                            "a hidden repository's 404 is a missing one's")
                    let hiddenImage = try await Self.get(client, "/ui/image?repository=hidden/secret-project&digest=sha256:" + String(repeating: "0", count: 64),
                                                         cookie: reader)
                    #expect(hiddenImage.status == 404)
                    // Only the 404 page names what the URL asked for.
                    for page in [list, search, overview, hiddenImage] {
                        #expect(!page.text.contains("secret-project") || page.url.contains("secret-project"), "hidden/secret-project leaked on \(page.url)")
                    }
                    #expect(!list.text.contains("secret-project") && !search.text.contains("data-repository") && !overview.text.contains("secret-project"))
                    for adminOnly in ["/ui/audit", "/ui/revisions", "/ui/revision?number=1"] {
                        #expect(try await Self.get(client, adminOnly, cookie: reader).status == 404, "\(adminOnly) is for administrators")
                    }
                    // Its image page shows the annotation as text.
                    let repositoryPage = try await Self.get(client, "/ui/repository?name=team/app", cookie: reader)
                    let link = try #require(repositoryPage.text.components(separatedBy: "href=\"/ui/image?").dropFirst().first?.prefix { $0 != "\"" })
                    let image = try await Self.get(client, "/ui/image?" + link.replacingOccurrences(of: "&amp;", with: "&"), cookie: reader)
                    #expect(image.status == 200 && image.text.contains("&lt;b&gt;bold&lt;/b&gt; team/app") && !image.text.contains("<b>bold"))
                    #expect(image.text.contains(#"data-status="none""#), "an open tier asks for no verdict")

                    // The administrator sees both, the audit log filtered to one repository, and the revision's commit-less apply.
                    let admin = try await Self.signIn(client, "admin", TestEnvironment.adminPassword)
                    let all = try await Self.get(client, "/ui/repositories", cookie: admin)
                    #expect(all.text.contains(#"data-repository="hidden/secret-project""#) && all.text.contains(#"data-repository="team/app""#))
                    let audit = try await Self.get(client, "/ui/audit?repository=team/app", cookie: admin)
                    let rows = audit.text.components(separatedBy: "<tr data-sequence=").dropFirst()
                    #expect(!rows.isEmpty && rows.allSatisfy { $0.contains(#"data-repository="team/app""#) }, "\(rows.count) rows")
                    #expect(rows.contains { $0.contains("<td>manifest-push</td>") } && !rows.contains { $0.contains("<td>authentication-failed</td>") },
                            "the filter keeps only team/app's records")
                    let failures = try await Self.get(client, "/ui/audit?action=authentication-failed", cookie: admin)
                    #expect(failures.text.contains("console login"), "a failed console sign-in is in the audit log")
                    let revisions = try await Self.get(client, "/ui/revisions", cookie: admin)
                    #expect(revisions.text.contains(#"data-revision="1""#))
                    let revision = try await Self.get(client, "/ui/revision?number=1", cookie: admin)
                    #expect(revision.text.contains(#"id="plan""#) && revision.text.contains("Repository"), "the plan is kept with its revision")

                    // Signing out ends the session on the server: the old cookie no longer works.
                    let logout = try await client.request(.POST, "/ui/logout", headers: [("Cookie", reader)])
                    #expect(logout.status == 303 && logout.header("Set-Cookie")?.contains("Max-Age=0") == true)
                    #expect(try await Self.get(client, "/ui/repositories", cookie: reader).status == 303)

                    // A password changed in git signs that user's sessions out.
                    let beforeChange = try await Self.signIn(client, "reader", "reader-password")
                    let changed = Self.declarations.replacingOccurrences(of: DeclarationFixtures.passwordHashes["reader"]!,
                                                                         with: DeclarationFixtures.passwordHashes["writer"]!)
                    try Data(changed.utf8).write(to: declarations.appendingPathComponent("console.yaml"))
                    try await waitUntil("the new password hash is applied", server: server) { () async throws -> Poll<Void> in
                        let status = try await Self.get(client, "/ui/repositories", cookie: beforeChange).status
                        return status == 303 ? .done(()) : .notYet("the old session is still served: \(status)")
                    }
                    _ = try await Self.signIn(client, "reader", "writer-password")

                    // Failed sign-ins count against the registry's throttle.
                    var statuses: [Int] = []
                    for _ in 0..<12 {
                        statuses.append(try await client.request(.POST, "/ui/login", headers: Self.formHeaders,
                                                                 body: Self.form([("name", "reader"), ("password", "guess")])).status)
                    }
                    #expect(statuses.contains(429), "\(statuses)")
                }
            }
        }
    }
}
