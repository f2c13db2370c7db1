import Access
import Audit
import Console
import Crypto
import Enforcement
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Reconciler
import Registry

/// The read-only web console (`/ui/…`, spec/console.md): sign-in with the registry's users and throttle, then pages
/// built from the same stores and cached verdicts the registry and the admin API use. Nothing here changes anything
/// but the session table.
struct ConsoleRoutes: Sendable {
    typealias Context = RegistryRequestContext

    let admin: LocalAdmin
    let access: AccessService
    let policy: DeclaredPolicy
    let audit: AuditLog
    let retention: RetentionKeeper
    let status: ReconcileStatusBoard
    let sessions: ConsoleSessions
    let renderer: ConsoleRenderer
    let chain: ChainCheck
    let digest: ConsoleAuditDigest
    let catalog: ConsoleCatalog

    static let cookieName = "berth_session"

    /// Who is looking: a live session's identity, and what it may see.
    struct Viewer: Sendable {
        var identity: String
        var principal: Principal
        var isAdministrator: Bool
        var accessPolicy: AccessPolicy

        func mayPull(_ repository: String) -> Bool { accessPolicy.allows(principal, .pull, on: repository) }
        func frame(_ title: String) -> ConsoleFrame { ConsoleFrame(title: title, identity: identity, isAdministrator: isAdministrator) }
    }

    /// A page's answer before the headers every page gets.
    struct Answer {
        var status: HTTPResponse.Status = .ok
        /// The page's HTML; the SBOM's JSON, with its own content type in `headers`.
        var body: String
        var headers: HTTPFields = [:]
    }

    typealias PageHandler = @Sendable (Request, Viewer) async throws -> Answer

    func add(to router: Router<Context>) {
        router.get("/ui/style.css") { _, _ in
            let css = ConsoleRenderer.stylesheet
            var headers = Self.commonHeaders
            headers[.contentType] = "text/css; charset=utf-8"
            headers[.cacheControl] = "max-age=300"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: css)))
        }
        router.get("/ui/login") { request, _ in
            let started = ContinuousClock.now
            let next = Self.safeNext(request.uri.queryParameters["next"].map(String.init))
            return Self.respond(Answer(body: renderer.render(LoginPage(next: next))), started: started)
        }
        router.post("/ui/login") { request, context in try await login(request, context) }
        router.post("/ui/logout") { request, _ async throws in
            guard Self.sameOrigin(request) else { return Self.forbiddenOrigin() }
            if let cookie = Self.sessionCookie(in: request) { try await sessions.end(cookie: cookie) }
            var response = Self.redirect(to: "/ui/login")
            response.headers[.setCookie] = Self.clearedCookie(secure: Self.isSecure(request))
            return response
        }
        let pages: [(String, PageHandler)] = [
            // The router takes `/ui` and `/ui/` as one path.
            ("/ui", overview), ("/ui/repositories", repositories), ("/ui/repository", repository), ("/ui/image", image),
            ("/ui/sbom", sbom), ("/ui/revisions", revisions), ("/ui/revision", revision), ("/ui/audit", auditPage),
        ]
        for (path, handler) in pages {
            router.get(RouterPath(path)) { request, _ in try await page(request, handler) }
        }
    }

    /// Runs `handler` for a signed-in viewer; without a live session, sends the browser to sign in first.
    private func page(_ request: Request, _ handler: PageHandler) async throws -> Response {
        let started = ContinuousClock.now
        guard let viewer = try await viewer(of: request) else {
            let target = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            return Self.redirect(to: "/ui/login" + ConsoleText.query([("next", Self.safeNext(target))]))
        }
        do {
            return Self.respond(try await handler(request, viewer), started: started)
        } catch let missing as ConsoleNotFound {
            return Self.respond(Answer(status: .notFound, body: renderer.render(MessagePage(frame: viewer.frame("Not found"), message: missing.message))),
                                started: started)
        }
    }

    func viewer(of request: Request) async throws -> Viewer? {
        guard let cookie = Self.sessionCookie(in: request), let session = try await sessions.session(cookie: cookie),
              let principal = Principal(subject: session.identity) else { return nil }
        let accessPolicy = access.authenticator.policy
        // A user removed from git, or whose password hash changed there, since signing in is signed out.
        if case .user(let name) = principal, accessPolicy.passwordHash(ofUser: name).map(Self.credentialDigest) != session.credential {
            try await sessions.end(identity: session.identity)
            return nil
        }
        return Viewer(identity: session.identity, principal: principal, isAdministrator: accessPolicy.isAdministrator(principal),
                      accessPolicy: accessPolicy)
    }

    private func login(_ request: Request, _ context: Context) async throws -> Response {
        let started = ContinuousClock.now
        guard Self.sameOrigin(request) else { return Self.forbiddenOrigin() }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: 16 << 10)
        } catch is NIOTooManyBytesError {
            return Self.respond(Answer(status: .contentTooLarge, body: renderer.render(LoginPage(next: "/ui/", error: "That form is too large."))),
                                started: started)
        }
        let form = (try? URLEncodedFormDecoder().decode(LoginForm.self, from: String(buffer: body))) ?? LoginForm()
        let name = form.name ?? ""
        let next = Self.safeNext(form.next)
        let address = context.remoteAddress?.ipAddress ?? "unknown"
        func again(_ status: HTTPResponse.Status, _ error: String) -> Response {
            Self.respond(Answer(status: status, body: renderer.render(LoginPage(next: next, name: name, error: error))), started: started)
        }
        guard !name.isEmpty, let password = form.password, !password.isEmpty else { return again(.badRequest, "Give a name and a password.") }
        switch await access.authenticator.login(name: name, password: password, address: address) {
        case .password(let principal):
            guard principal == .administrator || { if case .user = principal { return true } else { return false } }() else {
                return again(.forbidden, "Robots sign in to the registry, not to the console.")
            }
            var credential = ""
            if case .user(let user) = principal { credential = passwordHash(ofUser: user).map(Self.credentialDigest) ?? "" }
            let cookie = try await sessions.start(identity: principal.description, credential: credential)
            var response = Self.redirect(to: next)
            response.headers[.setCookie] = Self.sessionCookieHeader(cookie, secure: Self.isSecure(request))
            return response
        case .failed(let identity, let reason):
            await access.events.record(.authenticationFailed, actor: identity, address: address, attempt: "console login", reason: reason, outcome: .failure)
            return again(.unauthorized, "Wrong name or password.")
        case .throttled(let identity, let retryAfter):
            await access.events.record(.throttled, actor: identity ?? "unknown", address: address, attempt: "console login", reason: "too many failed logins")
            var response = again(.tooManyRequests, "Too many failed sign-ins; try again in \(retryAfter) seconds.")
            response.headers[HTTPField.Name.retryAfter] = String(retryAfter)
            return response
        case .anonymous, .token:
            return again(.unauthorized, "Wrong name or password.")
        }
    }
}

extension ConsoleRoutes {
    /// What a session keeps of a user's password hash: its digest, enough to notice a change, useless to guess from.
    static func credentialDigest(_ passwordHash: String) -> String {
        SHA256.hash(data: Data(passwordHash.utf8)).description
    }

    func passwordHash(ofUser user: String) -> String? {
        access.authenticator.policy.passwordHash(ofUser: user)
    }
}

/// The sign-in form's fields, as the browser posts them (`application/x-www-form-urlencoded`).
struct LoginForm: Decodable {
    var name: String?
    var password: String?
    var next: String?
}

/// A page for something the viewer may not see, or that does not exist: the same 404 either way.
struct ConsoleNotFound: Error {
    var message: String
}
