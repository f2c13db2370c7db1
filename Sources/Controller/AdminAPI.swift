import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Access
import Storage

/// The authenticated admin HTTP API over the live configuration (`/admin/v1/…`).
struct AdminAPI: Sendable {
    let admin: LocalAdmin
    let credentials: AdminCredentials?
    let access: AccessService
    let status: ReconcileStatusBoard
    let logger: Logger

    /// The bootstrap administrator (Basic `admin:` or the secret as a Bearer token, which `--token-file`
    /// sends) or a declared identity holding `admin` on `**`.
    private func authorize(_ request: Request, path: String, address: String) async -> AdminAPIError? {
        let header = request.headers[.authorization]
        if credentials?.accepts(authorization: header) == true { return nil }
        let action = "\(request.method) \(path)"
        switch await access.authenticator.authenticate(authorization: header, address: address) {
        case .token(.anonymous, _):
            return .unauthorized
        case .password(let principal), .token(let principal, _):
            if access.authenticator.policy.isAdministrator(principal) { return nil }
            await access.events.record(SecurityEvent(kind: .accessDenied, subject: principal.description, address: address, action: action,
                                                     reason: "the admin API needs admin on **"))
            return AdminAPIError(status: 403, code: "DENIED", message: "\(principal) is not a registry administrator")
        case .anonymous:
            return .unauthorized
        case .failed(let identity, let reason):
            await access.events.record(SecurityEvent(kind: .authenticationFailed, subject: identity, address: address, action: action, reason: reason))
            return .unauthorized
        case .throttled(let identity, let retryAfter):
            await access.events.record(SecurityEvent(kind: .throttled, subject: identity ?? "unknown", address: address, action: action,
                                                     reason: "too many failed logins"))
            return AdminAPIError(status: 429, code: "TOOMANYREQUESTS", message: "too many failed logins; retry in \(retryAfter) s")
        }
    }

    func respond(to request: Request, path: String, address: String) async throws -> Response {
        if let refusal = await authorize(request, path: path, address: address) {
            var response = Self.error(refusal)
            if refusal.status == 401 { response.headers[.wwwAuthenticate] = "Basic realm=\"berth-admin\"" }
            return response
        }
        switch (request.method, path) {
        case (.get, "/admin/v1/state"):
            let state = try await admin.liveState()
            guard request.headers[.accept]?.contains(LiveStateLines.mediaType) == true else { return try Self.json(state) }
            let lines = try LiveStateLines.encode(state)
            return Response(status: .ok, headers: [.contentType: LiveStateLines.mediaType, .contentLength: String(lines.readableBytes)],
                            body: .init(byteBuffer: lines))
        case (.post, "/admin/v1/changes"):
            let body = try await request.body.collect(upTo: 256 << 20)
            let apply: AdminWire.ApplyRequest
            do {
                apply = try AdminWire.decoder.decode(AdminWire.ApplyRequest.self, from: Data(buffer: body))
            } catch {
                throw AdminAPIError.invalid("change set is not valid JSON of the documented shape: \(error)")
            }
            let changes = try apply.changes.map { try $0.change() }
            do {
                let revision = try await admin.apply(changes, expectedFingerprint: apply.expectedFingerprint, source: apply.source)
                logger.notice("configuration changed", metadata: [
                    "revision": "\(revision.id)", "actor": "\(apply.source.actor)", "commit": "\(apply.source.commit ?? "-")", "changes": "\(changes.count)",
                ])
                return try Self.json(revision)
            } catch let error as ConfigurationError {
                throw AdminAPIError(status: 409, code: "STALE", message: error.description)
            }
        case (.get, "/admin/v1/revisions"):
            let limit = request.uri.queryParameters["limit"].flatMap { Int($0) } ?? 50
            return try Self.json(AdminWire.Revisions(revisions: try await admin.revisions(limit: max(1, min(limit, 1000)))))
        case (.get, "/admin/v1/status"):
            return try Self.json(await status.current)
        case (.get, "/admin/v1/robots"):
            return try Self.json(AdminWire.Robots(robots: try await access.store.robotCredentials().map(AdminWire.Robot.init)))
        case (.get, _) where path.hasPrefix(Self.robotsPrefix) && path.hasSuffix("/credential"):
            let name = String(path.dropFirst(Self.robotsPrefix.count).dropLast("/credential".count))
            guard let credential = try await access.store.robotCredentials().first(where: { $0.robot == name }) else {
                throw AdminAPIError(status: 404, code: "NOT_FOUND", message: "no credential for robot '\(name)'; is it declared?")
            }
            return try Self.json(AdminWire.SealedCredential(credential))
        case (.get, "/admin/v1/security-events"):
            let limit = request.uri.queryParameters["limit"].flatMap { Int($0) } ?? 100
            return try Self.json(AdminWire.SecurityEvents(events: try await access.store.securityEvents(limit: max(1, min(limit, 10_000)))))
        default:
            throw AdminAPIError(status: 404, code: "NOT_FOUND", message: "no such admin endpoint: \(request.method) \(path)")
        }
    }

    static let robotsPrefix = "/admin/v1/robots/"

    static func json(_ value: some Encodable) throws -> Response {
        let data = try AdminWire.encoder.encode(value)
        return Response(status: .ok, headers: [.contentType: "application/json", .contentLength: String(data.count)],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ error: AdminAPIError) -> Response {
        struct Body: Encodable {
            struct Entry: Encodable {
                let code: String
                let message: String
            }
            let errors: [Entry]
        }
        let data = (try? AdminWire.encoder.encode(Body(errors: [.init(code: error.code, message: error.message)]))) ?? Data()
        return Response(status: .init(code: error.status), headers: [.contentType: "application/json", .contentLength: String(data.count)],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
