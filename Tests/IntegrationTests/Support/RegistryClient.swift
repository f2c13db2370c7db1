import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A complete HTTP exchange, kept for assertions and failure messages.
struct HTTPExchange: Sendable, CustomStringConvertible {
    let method: String
    let url: String
    let requestHeaders: [(String, String)]
    let requestBodySize: Int
    let status: Int
    let headers: [(String, String)]
    let body: Data

    func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }

    var description: String {
        var text = "\(method) \(url)\n"
        for (k, v) in requestHeaders { text += "  > \(k): \(v)\n" }
        if requestBodySize > 0 { text += "  > (\(requestBodySize) body bytes)\n" }
        text += "  < \(status)\n"
        for (k, v) in headers { text += "  < \(k): \(v)\n" }
        if !body.isEmpty {
            let printable = String(decoding: body.prefix(1024), as: UTF8.self)
            text += "  < body (\(body.count) bytes): \(printable)\(body.count > 1024 ? "…" : "")\n"
        }
        return text
    }
}

/// A response the protocol does not allow at this step — almost certainly a server bug.
struct UnexpectedResponse: Error, CustomStringConvertible {
    let step: String
    let expected: String
    let exchange: HTTPExchange
    var description: String { "\(step): expected \(expected), got:\n\(exchange)" }
}

/// Blob-upload flows of the OCI Distribution spec.
enum UploadMode: String, CaseIterable, Sendable {
    /// POST to open a session, PUT with the whole blob.
    case postThenPut
    /// POST `?digest=` with the whole blob (falls back to PUT when the server answers 202).
    case singlePost
    /// POST, PATCH chunks with Content-Range, PUT `?digest=` with no body.
    case chunked
    /// POST, PATCH chunks, PUT `?digest=` carrying the last chunk.
    case chunkedFinalPut
}

/// A minimal OCI Distribution client on AsyncHTTPClient.
struct RegistryClient: Sendable {
    let http: HTTPClient
    let baseURL: URL
    /// Sent unless a request brings its own `Authorization` (or `Authorization: -` for none).
    var authorization = TestEnvironment.adminAuthorization
    var requestTimeout: TimeAmount = .seconds(20)

    /// Creates an HTTP client for one server, runs `body`, and shuts the client down.
    @discardableResult
    static func with<T>(
        baseURL: URL,
        authorization: String = TestEnvironment.adminAuthorization,
        _ body: (RegistryClient) async throws -> T
    ) async throws -> T {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(3), read: .seconds(20))
        configuration.connectionPool = .init(idleTimeout: .seconds(30),
                                             concurrentHTTP1ConnectionsPerHostSoftLimit: 16)
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let client = RegistryClient(http: http, baseURL: baseURL, authorization: authorization)
        do {
            let result = try await body(client)
            try await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    /// Resolves a path (`/v2/…`) or a `Location` value (absolute or relative) against the server.
    func resolve(_ location: String) -> String {
        if location.hasPrefix("http://") || location.hasPrefix("https://") { return location }
        return URL(string: location, relativeTo: baseURL)!.absoluteURL.absoluteString
    }

    func send(
        _ method: HTTPMethod,
        _ pathOrURL: String,
        headers: [(String, String)] = [],
        body: Data? = nil,
        maxResponseBytes: Int = 64 << 20
    ) async throws -> HTTPExchange {
        let url = resolve(pathOrURL)
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers {
            request.headers.add(name: name, value: value)
        }
        // The bootstrap administrator, unless the test sends its own credentials (or none: `Authorization: -`).
        if !headers.contains(where: { $0.0.lowercased() == "authorization" }) {
            request.headers.add(name: "Authorization", value: authorization)
        } else if request.headers["Authorization"] == ["-"] {
            request.headers.remove(name: "Authorization")
        }
        // AsyncHTTPClient derives Content-Length from the body; an empty body gives `Content-Length: 0`.
        if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
        } else if method == .PUT || method == .POST || method == .PATCH {
            request.body = .bytes(ByteBuffer())
        }
        let allHeaders = request.body == nil ? headers : headers + [("Content-Length", String(body?.count ?? 0))]
        let response = try await http.execute(request, timeout: requestTimeout)
        var buffer = try await response.body.collect(upTo: maxResponseBytes)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        return HTTPExchange(
            method: method.rawValue,
            url: url,
            requestHeaders: allHeaders,
            requestBodySize: body?.count ?? 0,
            status: Int(response.status.code),
            headers: response.headers.map { ($0.name, $0.value) },
            body: Data(bytes))
    }

    private func expect(_ exchange: HTTPExchange, _ statuses: Set<Int>, _ step: String) throws {
        guard statuses.contains(exchange.status) else {
            throw UnexpectedResponse(step: step, expected: statuses.sorted().map(String.init).joined(separator: " or "),
                                     exchange: exchange)
        }
    }

    private func location(_ exchange: HTTPExchange, _ step: String) throws -> String {
        guard let location = exchange.header("Location"), !location.isEmpty else {
            throw UnexpectedResponse(step: step, expected: "a Location header", exchange: exchange)
        }
        return location
    }

    private func appendingQuery(_ location: String, _ query: String) -> String {
        location + (location.contains("?") ? "&" : "?") + query
    }

    private func digestQuery(_ digest: String) -> String {
        "digest=" + (digest.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? digest)
    }

    /// Uploads `data` to `repository` with the given flow and returns the final (201) exchange.
    @discardableResult
    func pushBlob(
        _ data: Data,
        to repository: String,
        mode: UploadMode,
        chunkSize: Int = 64 << 10
    ) async throws -> HTTPExchange {
        let digest = sha256Digest(data)
        let octet = ("Content-Type", "application/octet-stream")
        let startPath = "/v2/\(repository)/blobs/uploads/"
        let final: HTTPExchange
        switch mode {
        case .postThenPut:
            let start = try await send(.POST, startPath)
            try expect(start, [202], "start upload")
            final = try await send(.PUT, appendingQuery(try location(start, "start upload"), digestQuery(digest)),
                                   headers: [octet], body: data)
        case .singlePost:
            let post = try await send(.POST, appendingQuery(startPath, digestQuery(digest)), headers: [octet],
                                      body: data)
            try expect(post, [201, 202], "single-POST upload")
            if post.status == 201 {
                final = post
            } else {
                final = try await send(.PUT, appendingQuery(try location(post, "single-POST upload"),
                                                            digestQuery(digest)),
                                       headers: [octet], body: data)
            }
        case .chunked, .chunkedFinalPut:
            let start = try await send(.POST, startPath)
            try expect(start, [202], "start chunked upload")
            var next = try location(start, "start chunked upload")
            var offset = 0
            let keepLast = mode == .chunkedFinalPut && data.count > 0
            let patchedEnd = keepLast ? max(0, data.count - min(chunkSize, data.count)) : data.count
            while offset < patchedEnd {
                let end = min(offset + chunkSize, patchedEnd)
                let chunk = data.subdata(in: offset..<end)
                let patch = try await send(.PATCH, next,
                                           headers: [octet, ("Content-Range", "\(offset)-\(end - 1)")],
                                           body: chunk)
                try expect(patch, [202], "PATCH chunk \(offset)-\(end - 1)")
                if let range = patch.header("Range"), range != "0-\(end - 1)" {
                    throw UnexpectedResponse(step: "PATCH chunk \(offset)-\(end - 1)",
                                             expected: "Range: 0-\(end - 1)", exchange: patch)
                }
                next = try location(patch, "PATCH chunk")
                offset = end
            }
            let rest = data.subdata(in: offset..<data.count)
            final = try await send(.PUT, appendingQuery(next, digestQuery(digest)),
                                   headers: rest.isEmpty ? [] : [octet],
                                   body: rest.isEmpty ? nil : rest)
        }
        try expect(final, [201], "finish \(mode.rawValue) upload of \(digest) (\(data.count) bytes)")
        if let echoed = final.header("Docker-Content-Digest"), echoed != digest {
            throw UnexpectedResponse(step: "finish upload", expected: "Docker-Content-Digest: \(digest)",
                                     exchange: final)
        }
        return final
    }

    /// PUTs a manifest under `reference` (tag or digest) and returns the 201 exchange.
    @discardableResult
    func pushManifest(_ bytes: Data, mediaType: String, to repository: String,
                      reference: String) async throws -> HTTPExchange {
        let put = try await send(.PUT, "/v2/\(repository)/manifests/\(reference)",
                                 headers: [("Content-Type", mediaType)], body: bytes)
        try expect(put, [201], "PUT manifest \(repository):\(reference)")
        let digest = sha256Digest(bytes)
        if let echoed = put.header("Docker-Content-Digest"), echoed != digest {
            throw UnexpectedResponse(step: "PUT manifest", expected: "Docker-Content-Digest: \(digest)",
                                     exchange: put)
        }
        return put
    }

    static let manifestAccept = [MediaType.ociManifest, MediaType.ociIndex, MediaType.dockerManifest,
                                 MediaType.dockerManifestList].joined(separator: ", ")

    func getManifest(_ repository: String, reference: String) async throws -> HTTPExchange {
        try await send(.GET, "/v2/\(repository)/manifests/\(reference)",
                       headers: [("Accept", Self.manifestAccept)])
    }

    func getBlob(_ repository: String, digest: String) async throws -> HTTPExchange {
        try await send(.GET, "/v2/\(repository)/blobs/\(digest)")
    }
}
