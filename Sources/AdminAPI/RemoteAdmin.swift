import AsyncHTTPClient
import Foundation
import Lifecycle
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Reconciler
import Storage

/// The admin endpoint of a running registry, over its HTTP admin API.
public struct RemoteAdmin: AdminEndpoint {
    let baseURL: String
    let token: String

    public init(baseURL: String, token: String) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public func liveState() async throws -> LiveState {
        let (headers, data) = try await exchange(.GET, "/admin/v1/state", accept: LiveStateLines.mediaType)
        return headers.first(name: "Content-Type") == LiveStateLines.mediaType ? try LiveStateLines.decode(data) : try AdminWire.decoder.decode(LiveState.self, from: data)
    }

    public func configurationFingerprint() async throws -> String {
        try await liveState().fingerprint
    }

    public func apply(_ changes: [ConfigurationChange], expectedFingerprint: String?, source: ConfigurationSource,
                      pruning: [String]) async throws -> ConfigurationRevision {
        let body = AdminWire.ApplyRequest(expectedFingerprint: expectedFingerprint, source: source, changes: changes.map(AdminWire.Change.init),
                                          prune: pruning.isEmpty ? nil : pruning)
        return try await send(.POST, "/admin/v1/changes", body: try AdminWire.encoder.encode(body), as: ConfigurationRevision.self)
    }

    public func revisions(limit: Int) async throws -> [ConfigurationRevision] {
        try await send(.GET, "/admin/v1/revisions?limit=\(limit)", as: AdminWire.Revisions.self).revisions
    }

    public func status() async throws -> ReconcileStatus {
        try await send(.GET, "/admin/v1/status", as: ReconcileStatus.self)
    }

    func send<T: Decodable>(_ method: HTTPMethod, _ path: String, body: Data? = nil, as type: T.Type) async throws -> T {
        try AdminWire.decoder.decode(T.self, from: try await exchange(method, path, body: body).data)
    }

    /// One request; the response's headers and body when it is 200, else an error with the API's message.
    func exchange(_ method: HTTPMethod, _ path: String, body: Data? = nil, accept: String? = nil) async throws -> (headers: HTTPHeaders, data: Data) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let accept { request.headers.add(name: "Accept", value: accept) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        let data = Data(buffer: try await response.body.collect(upTo: 512 << 20))
        guard response.status == .ok else {
            let message = (try? JSONDecoder().decode(AdminAPIError.Body.self, from: data))?.errors.first.map { "\($0.code): \($0.message)" }
                ?? String(decoding: data.prefix(500), as: UTF8.self)
            throw ReconciliationError("\(baseURL)\(path): \(response.status.code) \(message)")
        }
        return (response.headers, data)
    }
}

extension RemoteAdmin {
    public func consequences(of changes: [ConfigurationChange]) async throws -> PlanConsequences {
        let body = AdminWire.ConsequencesRequest(changes: changes.map(AdminWire.Change.init))
        return try await send(.POST, "/admin/v1/consequences", body: try AdminWire.encoder.encode(body), as: AdminWire.Consequences.self)
            .planConsequences
    }

    /// The verdict of `reference` (a tag or a digest) in `repository`.
    public func verdict(repository: String, reference: String) async throws -> AdminWire.Verdict {
        var query = URLComponents()
        query.queryItems = [URLQueryItem(name: "repository", value: repository), URLQueryItem(name: "reference", value: reference)]
        return try await send(.GET, "/admin/v1/verdicts?\(query.percentEncodedQuery ?? "")", as: AdminWire.Verdict.self)
    }
}

extension RemoteAdmin {
    /// What the next retention run would delete, or (`run`) a run now and what it deleted.
    public func retention(run: Bool) async throws -> RetentionReport {
        run ? try await send(.POST, "/admin/v1/retention/run", as: RetentionReport.self)
            : try await send(.GET, "/admin/v1/retention/plan", as: RetentionReport.self)
    }

    /// Every repository's usage and quota.
    public func usage() async throws -> AdminWire.Usage {
        try await send(.GET, "/admin/v1/usage", as: AdminWire.Usage.self)
    }
}
