import _CryptoExtras
import AdminAPI
import Audit
import AuditRecords
import Foundation
import Hummingbird
import NIOCore
import Webhooks

/// `/admin/v1/audit`: the log itself, its key, and a checkpoint to keep (spec/admin-api.md, "Audit").
extension AdminRoutes {
    /// Records after `since` (a sequence number), filtered, as JSON lines: each line exactly as stored, so whoever reads
    /// them can hash them and check the chain. `Berth-Audit-Next` says where the next page starts; it is absent at the
    /// end of the log.
    func auditRecords(_ request: Request, _ context: Context) async throws -> Response {
        let query = request.uri.queryParameters
        let since = try query["since"].map { text -> UInt64 in
            guard let value = UInt64(text) else { throw AdminAPIError.invalid("since: expected a sequence number, got \(text)") }
            return value
        } ?? 0
        let limit = max(1, min(query["limit"].flatMap { Int($0) } ?? 1000, 10_000))
        let filter: AuditFilter
        do {
            filter = try AuditFilter(query: { query[Substring($0)].map(String.init) }, actions: query[values: "action"].map(String.init))
        } catch {
            throw AdminAPIError.invalid("\(error)")
        }
        await audit.flush()
        let page = try await AuditPage.read(audit.store, after: since, filter: filter, limit: limit)
        var body = ByteBuffer()
        for record in page.records {
            body.writeBytes(record.canonicalLine())
            body.writeInteger(UInt8(ascii: "\n"))
        }
        var headers: HTTPFields = [.contentType: "application/x-ndjson", .contentLength: String(body.readableBytes)]
        if let next = page.next { headers[AdminWire.auditNextHeader] = String(next) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }

    /// The public half of the checkpoint key, PEM.
    func auditKey(_ request: Request, _ context: Context) async throws -> Response {
        let pem = audit.publicKey.pemRepresentation + "\n"
        return Response(status: .ok, headers: [.contentType: "application/x-pem-file", .contentLength: String(pem.utf8.count)],
                        body: .init(byteBuffer: ByteBuffer(string: pem)))
    }

    /// A checkpoint of the head, signed now, for the caller to keep: `berth audit verify --checkpoint` proves with it
    /// that the log was not cut short or rewritten up to there.
    func auditCheckpoint(_ request: Request, _ context: Context) async throws -> Response {
        guard let checkpoint = try await audit.checkpoint() else { throw AdminAPIError.invalid("no checkpoint could be signed") }
        return try AdminResponse.json(checkpoint)
    }

    /// Each webhook's delivery: how far it got, its failures in a row, its last error and its next attempt.
    func webhookStatus(_ request: Request, _ context: Context) async throws -> Response {
        struct Webhooks: Encodable { let webhooks: [WebhookStatus] }
        return try AdminResponse.json(Webhooks(webhooks: await webhooks.status()))
    }
}
