import AuditRecords
import Access
import Declarations
import Foundation
import HTTPTypes
import OCI
import Registry
import Storage

/// Access control for the OCI API: authenticates the request, then asks the policy (and, for a bearer
/// token, the token's scopes) whether the caller may do what the route needs.
///
/// Answers the way docker, podman and skopeo expect: 401 with a `Bearer` challenge naming the token
/// endpoint and the scope to ask for when the caller is anonymous or its token lacks the scope; 403
/// `DENIED` when the caller is known and not allowed; 429 with `Retry-After` when logins are throttled.
struct RegistryGate: RegistryAccessControl {
    let access: AccessService

    func authorize(_ need: RegistryNeed, request: RegistryRequestFacts) async -> Result<RegistryCaller, RegistryError> {
        let address = request.address ?? "unknown"
        let authentication = await access.authenticator.authenticate(authorization: request.headers[.authorization], address: address)
        var challenge: Challenge { Challenge(request: request, need: need) }
        let principal: Principal
        var token: RegistryToken?
        switch authentication {
        case .anonymous:
            principal = .anonymous
        case .password(let who):
            principal = who
        case .token(let who, let issued):
            principal = who
            token = issued
        case .failed(let identity, let reason):
            await record(.authenticationFailed, identity, address, need, reason)
            let bearer = BearerToken.parse(authorizationHeader: request.headers[.authorization] ?? "") != nil
            return .failure(challenge.unauthorized("authentication failed: \(reason)", error: bearer ? .invalidToken : nil))
        case .throttled(let identity, let retryAfter):
            await record(.throttled, identity ?? "unknown", address, need, "too many failed logins")
            var error = RegistryError(.tooManyRequests, status: .tooManyRequests, "too many failed logins; retry in \(retryAfter) s")
            error.headers[.retryAfter] = String(retryAfter)
            return .failure(error)
        }

        let policy = access.authenticator.policy
        switch need {
        case .ping:
            if principal == .anonymous { return .failure(challenge.unauthorized("authentication required")) }
            return .success(RegistryCaller(identity: principal.description, address: request.address, mayPull: { _ in false }, mayPush: { _ in false }))
        case .catalog:
            if principal == .anonymous { return .failure(challenge.unauthorized("authentication required to list repositories")) }
            if let token, !token.grants(type: "registry", name: "catalog", action: "*") {
                return .failure(challenge.unauthorized("the token does not grant registry:catalog:*", error: .insufficientScope))
            }
            return .success(RegistryCaller(identity: principal.description, address: request.address, mayPull: { policy.allows(principal, .pull, on: $0.value) },
                                           mayPush: { _ in false }))
        case .repository(let repository, let operation):
            guard policy.allows(principal, operation.permission, on: repository.value) else {
                await record(.accessDenied, principal.description, address, need, "no \(operation.rawValue) permission on \(repository)")
                if principal == .anonymous { return .failure(challenge.unauthorized("authentication required")) }
                return .failure(RegistryError(.denied, status: .forbidden, "requested access to the resource is denied",
                                              detail: "\(principal) may not \(operation.rawValue) \(repository)"))
            }
            if let token, !token.grants(type: "repository", name: repository.value, action: operation.rawValue) {
                return .failure(challenge.unauthorized("the token does not grant \(operation.rawValue) on \(repository)", error: .insufficientScope))
            }
            // A mount reads its source. A token that leaves it out, for a caller who may pull it, is asked to come back
            // with it, as the reference registry does; a caller who may not pull it gets an ordinary upload (202).
            if let token, let source = request.mountSource, source != repository, policy.allows(principal, .pull, on: source.value),
               !token.grants(type: "repository", name: source.value, action: "pull") {
                return .failure(challenge.unauthorized("the token does not grant pull on \(source), the mount's source", error: .insufficientScope))
            }
            let issued = token
            return .success(RegistryCaller(identity: principal.description, address: request.address, mayPull: { candidate in
                policy.allows(principal, .pull, on: candidate.value)
                    && (issued?.grants(type: "repository", name: candidate.value, action: "pull") ?? true)
            }, mayPush: { policy.allows(principal, .push, on: $0.value) }, mayAdminister: { policy.allows(principal, .admin, on: $0.value) }))
        }
    }

    private func record(_ action: AuditAction, _ subject: String, _ address: String, _ need: RegistryNeed, _ reason: String) async {
        var repository: String?
        if case .repository(let name, _) = need { repository = name.value }
        await access.events.record(action, actor: subject, address: address, attempt: need.description, reason: reason, repository: repository,
                                   outcome: action == .authenticationFailed ? .failure : .denied)
    }
}

/// The `WWW-Authenticate` challenge for one request: where to get a token, and for which scope.
struct Challenge {
    let realm: String
    let scopes: [Scope]

    init(request: RegistryRequestFacts, need: RegistryNeed) {
        realm = TokenEndpoint.realm(authority: request.authority, headers: request.headers)
        var scopes = need.scope.map { [$0] } ?? []
        // As the reference registry does: a mount also reads its source, so the token should cover both.
        if let source = request.mountSource, case .repository(let target, _) = need, source != target {
            scopes.append(Scope(type: "repository", name: source.value, actions: ["pull"]))
        }
        self.scopes = scopes
    }

    func unauthorized(_ message: String, error: BearerChallenge.ErrorCode? = nil) -> RegistryError {
        var failure = RegistryError(.unauthorized, status: .unauthorized, message)
        let challenge = BearerChallenge(realm: realm, service: AccessService.service, scopes: scopes, error: error)
        failure.headers[.wwwAuthenticate] = challenge.headerValue
        return failure
    }
}

extension RegistryNeed: CustomStringConvertible {
    public var description: String {
        switch self {
        case .ping: "GET /v2/"
        case .catalog: "list repositories"
        case .repository(let name, let operation): "\(operation.rawValue) \(name)"
        }
    }

    /// The scope a client should ask the token endpoint for.
    var scope: Scope? {
        switch self {
        case .ping: nil
        case .catalog: Scope(type: "registry", name: "catalog", actions: ["*"])
        case .repository(let name, .push): Scope(type: "repository", name: name.value, actions: ["pull", "push"])
        case .repository(let name, let operation): Scope(type: "repository", name: name.value, actions: [operation.rawValue])
        }
    }
}

extension RegistryOperation {
    var permission: Permission {
        switch self {
        case .pull: .pull
        case .push: .push
        case .delete: .delete
        }
    }
}

extension RegistryToken {
    func grants(type: String, name: String, action: String) -> Bool {
        access.contains { $0.type == type && $0.name == name && ($0.actions.contains(action) || $0.actions.contains("*")) }
    }
}

extension HTTPField.Name {
    static let retryAfter = Self("Retry-After")!
}
