import AuditRecords
import Access
import AdminAPI
import Hummingbird
import Registry
import Storage

/// Lets through the bootstrap administrator (Basic `admin:` or the secret as a Bearer token, which `--token-file`
/// sends) and declared identities holding `admin` on `**`; answers everyone else with the admin API's error.
struct AdminAuthentication: RouterMiddleware {
    typealias Context = RegistryRequestContext

    let credentials: AdminCredentials?
    let access: AccessService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let refusal = await refusal(of: request, address: context.remoteAddress?.ipAddress ?? "unknown") {
            var response = AdminResponse.error(refusal)
            if refusal.status == 401 { response.headers[.wwwAuthenticate] = "Basic realm=\"berth-admin\"" }
            return response
        }
        return try await next(request, context)
    }

    private func refusal(of request: Request, address: String) async -> AdminAPIError? {
        let header = request.headers[.authorization]
        if credentials?.accepts(authorization: header) == true { return nil }
        let path = request.uri.path == AdminRoutes.statusAlias ? "/admin/v1/status" : request.uri.path
        let action = "\(request.method) \(path)"
        switch await access.authenticator.authenticate(authorization: header, address: address) {
        case .token(.anonymous, _):
            return .unauthorized
        case .password(let principal), .token(let principal, _):
            if access.authenticator.policy.isAdministrator(principal) { return nil }
            await access.events.record(.accessDenied, actor: principal.description, address: address, attempt: action,
                                       reason: "the admin API needs admin on **")
            return AdminAPIError(status: 403, code: "DENIED", message: "\(principal) is not a registry administrator")
        case .anonymous:
            return .unauthorized
        case .failed(let identity, let reason):
            await access.events.record(.authenticationFailed, actor: identity, address: address, attempt: action, reason: reason, outcome: .failure)
            return .unauthorized
        case .throttled(let identity, let retryAfter):
            await access.events.record(.throttled, actor: identity ?? "unknown", address: address, attempt: action, reason: "too many failed logins")
            return AdminAPIError(status: 429, code: "TOOMANYREQUESTS", message: "too many failed logins; retry in \(retryAfter) s")
        }
    }
}
