import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Storage

/// The authenticated admin HTTP API over the live configuration (`/admin/v1/…`).
struct AdminAPI: Sendable {
    let admin: LocalAdmin
    let credentials: AdminCredentials?
    let status: ReconcileStatusBoard
    let logger: Logger

    func respond(to request: Request, path: String) async throws -> Response {
        guard let credentials else { throw AdminAPIError.disabled }
        guard credentials.accepts(authorization: request.headers[.authorization]) else {
            logger.warning("admin API authentication failed", metadata: ["path": "\(path)"])
            var response = Self.error(AdminAPIError.unauthorized)
            response.headers[.wwwAuthenticate] = "Basic realm=\"berth-admin\""
            return response
        }
        switch (request.method, path) {
        case (.get, "/admin/v1/state"):
            return try Self.json(try await admin.liveState())
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
        default:
            throw AdminAPIError(status: 404, code: "NOT_FOUND", message: "no such admin endpoint: \(request.method) \(path)")
        }
    }

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
