import AuditRecords
import Access
import AdminAPI
import Declarations
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Storage

/// The Docker registry token endpoint (`/auth/token`): trades HTTP Basic credentials, or none, for a
/// short-lived signed token carrying only the requested scopes the subject is allowed.
struct TokenEndpoint: Sendable {
    static let path = "/auth/token"
    let access: AccessService

    /// Where clients fetch tokens: this server, as the client addressed it.
    static func realm(authority: String?, headers: HTTPFields) -> String {
        let scheme = headers[.forwardedProto] == "https" ? "https" : "http"
        return "\(scheme)://\(authority ?? "localhost")\(path)"
    }

    func respond(to request: Request, address: String) async throws -> Response {
        // Form-decoded, as clients encode it: Go's url.Values writes the spaces in a scope list as '+'.
        var scopes = Self.formPairs(request.uri.query ?? "").filter { $0.name == "scope" }.map(\.value)
        let authentication: Authentication
        switch request.method {
        case .get:
            authentication = await access.authenticator.authenticate(authorization: request.headers[.authorization], address: address)
        case .post:
            // The OAuth2 password grant docker uses with `docker login` when it wants a token by form.
            let form = try await Self.form(request)
            guard form["grant_type"] == "password", let name = form["username"], let password = form["password"] else {
                return Self.error(.badRequest, "UNSUPPORTED", "only grant_type=password with username and password is supported")
            }
            scopes += (form["scope"] ?? "").split(separator: " ").map(String.init)
            authentication = await access.authenticator.login(name: name, password: password, address: address)
        default:
            return Self.error(.methodNotAllowed, "UNSUPPORTED", "use GET (or POST with a password grant)")
        }

        let principal: Principal
        switch authentication {
        case .anonymous:
            principal = .anonymous
        case .password(let who):
            principal = who
        case .token:
            return Self.error(.unauthorized, "UNAUTHORIZED", "the token endpoint takes a name and password (HTTP Basic), not a token")
        case .failed(let identity, let reason):
            await access.events.record(.authenticationFailed, actor: identity, address: address, attempt: "login", reason: reason, outcome: .failure)
            var response = Self.error(.unauthorized, "UNAUTHORIZED", "authentication failed: wrong name or password")
            response.headers[.wwwAuthenticate] = BasicChallenge(realm: "berth").headerValue
            return response
        case .throttled(let identity, let retryAfter):
            await access.events.record(.throttled, actor: identity ?? "unknown", address: address, attempt: "login", reason: "too many failed logins")
            var response = Self.error(.tooManyRequests, "TOOMANYREQUESTS", "too many failed logins; retry in \(retryAfter) s")
            response.headers[.retryAfter] = String(retryAfter)
            return response
        }

        let granted = Self.grant(Scope.parseList(scopes), to: principal, policy: access.authenticator.policy)
        let issued = try await access.authenticator.tokens.issue(subject: principal.description, access: granted)
        let body = TokenResponse(token: issued.token, expiresIn: issued.expiresIn, issuedAt: issued.issuedAt)
        let data = try JSONEncoder().encode(body)
        return Response(status: .ok, headers: [.contentType: "application/json", .contentLength: String(data.count), .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The requested actions the principal holds; resources with none granted are left out.
    static func grant(_ scopes: [Scope], to principal: Principal, policy: AccessPolicy) -> [AccessClaim] {
        scopes.compactMap { scope in
            switch scope.type {
            case "repository":
                guard RepositoryPattern.isValidName(scope.name) else { return nil }
                let held = policy.permissions(of: principal, on: scope.name)
                let actions = scope.actions.filter { action in
                    switch action {
                    case "pull": held.contains(.pull)
                    case "push": held.contains(.push)
                    case "delete": held.contains(.delete)
                    case "*": held.contains(.admin)
                    default: false
                    }
                }
                return actions.isEmpty ? nil : AccessClaim(type: "repository", name: scope.name, actions: actions)
            case "registry" where scope.name == "catalog" && scope.actions.contains("*") && principal != .anonymous:
                return AccessClaim(type: "registry", name: "catalog", actions: ["*"])
            default:
                return nil
            }
        }
    }

    private static func form(_ request: Request) async throws -> [String: String] {
        let body = try await request.body.collect(upTo: 64 << 10)
        var fields: [String: String] = [:]
        for pair in formPairs(String(buffer: body)) { fields[pair.name] = pair.value }
        return fields
    }

    /// `application/x-www-form-urlencoded` pairs, in order and with repeats (a query may name several scopes).
    static func formPairs(_ text: String) -> [(name: String, value: String)] {
        text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// The admin API's error body (`{"errors":[{"code","message"}]}`), which is also what token clients read.
    static func error(_ status: HTTPResponse.Status, _ code: String, _ message: String) -> Response {
        AdminResponse.error(AdminAPIError(status: Int(status.code), code: code, message: message))
    }
}

extension HTTPField.Name {
    static let forwardedProto = Self("X-Forwarded-Proto")!
}
