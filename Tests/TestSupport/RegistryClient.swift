import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import OCI

/// One HTTP exchange with a registry, kept whole so a failed expectation can print both sides.
public struct RegistryResponse: Sendable, CustomStringConvertible {
    public var method: String
    public var url: String
    public var requestHeaders: [(String, String)]
    public var requestBodySize: Int
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public var text: String { String(decoding: body, as: UTF8.self) }

    public subscript(_ name: String) -> String? { headers.first(name: name) }

    public func header(_ name: String) -> String? { headers.first(name: name) }

    /// The `code` of the first entry of an OCI error body.
    public var errorCode: String? {
        struct Errors: Decodable {
            struct Entry: Decodable { let code: String }
            let errors: [Entry]
        }
        return (try? JSONDecoder().decode(Errors.self, from: Data(body)))?.errors.first?.code
    }

    public func json<T: Decodable>(_ type: T.Type) throws -> T { try JSONDecoder().decode(type, from: Data(body)) }

    public var description: String {
        var text = "\(method) \(url)\n"
        for (name, value) in requestHeaders { text += "  > \(name): \(name.lowercased() == "authorization" ? "(hidden)" : value)\n" }
        if requestBodySize > 0 { text += "  > (\(requestBodySize) body bytes)\n" }
        text += "  < \(status)\n"
        for header in headers { text += "  < \(header.name): \(header.value)\n" }
        if !body.isEmpty {
            text += "  < body (\(body.count) bytes): \(String(decoding: body.prefix(1024), as: UTF8.self))\(body.count > 1024 ? "…" : "")\n"
        }
        return text
    }
}

/// A response the protocol does not allow at this step: almost certainly a server bug.
public struct UnexpectedResponse: Error, CustomStringConvertible {
    public let step: String
    public let expected: String
    public let response: RegistryResponse
    public var description: String { "\(step): expected \(expected), got:\n\(response)" }

    public init(step: String, expected: String, response: RegistryResponse) {
        self.step = step
        self.expected = expected
        self.response = response
    }
}

/// The blob-upload flows of the OCI Distribution spec.
public enum UploadMode: String, CaseIterable, Sendable {
    /// POST to open a session, PUT with the whole blob.
    case postThenPut
    /// POST `?digest=` with the whole blob (falls back to PUT when the server answers 202).
    case singlePost
    /// POST, PATCH chunks with Content-Range, PUT `?digest=` with no body.
    case chunked
    /// POST, PATCH chunks, PUT `?digest=` carrying the last chunk.
    case chunkedFinalPut
}

/// The registry client of every test target: raw requests over loopback, and uploads, images and manifests built by hand.
public struct RegistryClient: Sendable {
    public let base: String
    /// Sent when a request names no `Authorization` of its own (`Authorization: -` sends none at all).
    public let defaultAuthorization: String?
    let http: HTTPClient
    let requestTimeout: TimeAmount

    public init(base: String, defaultAuthorization: String? = nil, http: HTTPClient = .shared, requestTimeout: TimeAmount = .seconds(60)) {
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.defaultAuthorization = defaultAuthorization
        self.http = http
        self.requestTimeout = requestTimeout
    }

    /// A client with its own connection pool for one server, shut down when `body` ends.
    @discardableResult
    public static func with<T>(baseURL: URL, authorization: String?, _ body: (RegistryClient) async throws -> T) async throws -> T {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(3), read: .seconds(20))
        configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 16)
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let client = RegistryClient(base: baseURL.absoluteString, defaultAuthorization: authorization, http: http, requestTimeout: .seconds(20))
        do {
            let result = try await body(client)
            try await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    /// A path (`/v2/…`) or a `Location` value, absolute or relative, as a URL of this server.
    public func resolve(_ location: String) -> String {
        if location.hasPrefix("http://") || location.hasPrefix("https://") { return location }
        return base + (location.hasPrefix("/") ? "" : "/") + location
    }

    public func request(_ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
                        maxResponseBytes: Int = 64 << 20) async throws -> RegistryResponse {
        let url = resolve(path)
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if request.headers["Authorization"].isEmpty, let defaultAuthorization {
            request.headers.add(name: "Authorization", value: defaultAuthorization)
        } else if request.headers["Authorization"] == ["-"] {
            request.headers.remove(name: "Authorization")
        }
        // An upload step without a body still says `Content-Length: 0`, as registry clients do.
        if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
        } else if method == .PUT || method == .POST || method == .PATCH {
            request.body = .bytes(ByteBuffer())
        }
        let response = try await http.execute(request, timeout: requestTimeout)
        var collected = try await response.body.collect(upTo: maxResponseBytes)
        return RegistryResponse(
            method: method.rawValue, url: url, requestHeaders: request.headers.map { ($0.name, $0.value) }, requestBodySize: body?.count ?? 0,
            status: Int(response.status.code), headers: response.headers, body: collected.readBytes(length: collected.readableBytes) ?? [])
    }

    /// Pushes a blob with POST + PUT and returns its digest.
    @discardableResult
    public func pushBlob(_ repository: String, _ bytes: [UInt8]) async throws -> Digest {
        try await pushBlob(bytes, to: repository, mode: .postThenPut)
        return Digest.compute(bytes)
    }

    /// Uploads `bytes` to `repository` with the given flow and returns the final (201) response.
    @discardableResult
    public func pushBlob(_ bytes: [UInt8], to repository: String, mode: UploadMode, chunkSize: Int = 64 << 10) async throws -> RegistryResponse {
        let digest = Digest.compute(bytes).description
        let digestQuery = "digest=\(digest)"
        let octet = ("Content-Type", "application/octet-stream")
        let startPath = "/v2/\(repository)/blobs/uploads/"
        let final: RegistryResponse
        switch mode {
        case .postThenPut:
            let start = try expect(try await request(.POST, startPath), [202], "start upload")
            final = try await request(.PUT, appendQuery(try location(start, "start upload"), digestQuery), headers: [octet], body: bytes)
        case .singlePost:
            let post = try expect(try await request(.POST, appendQuery(startPath, digestQuery), headers: [octet], body: bytes), [201, 202],
                                  "single-POST upload")
            final = post.status == 201
                ? post : try await request(.PUT, appendQuery(try location(post, "single-POST upload"), digestQuery), headers: [octet], body: bytes)
        case .chunked, .chunkedFinalPut:
            let start = try expect(try await request(.POST, startPath), [202], "start chunked upload")
            var next = try location(start, "start chunked upload")
            var offset = 0
            let keepLast = mode == .chunkedFinalPut && !bytes.isEmpty
            let patchedEnd = keepLast ? max(0, bytes.count - min(chunkSize, bytes.count)) : bytes.count
            while offset < patchedEnd {
                let end = min(offset + chunkSize, patchedEnd)
                let step = "PATCH chunk \(offset)-\(end - 1)"
                let patch = try expect(try await request(.PATCH, next, headers: [octet, ("Content-Range", "\(offset)-\(end - 1)")],
                                                         body: Array(bytes[offset..<end])), [202], step)
                if let range = patch["Range"], range != "0-\(end - 1)" {
                    throw UnexpectedResponse(step: step, expected: "Range: 0-\(end - 1)", response: patch)
                }
                next = try location(patch, step)
                offset = end
            }
            let rest = Array(bytes[offset...])
            final = try await request(.PUT, appendQuery(next, digestQuery), headers: rest.isEmpty ? [] : [octet], body: rest.isEmpty ? nil : rest)
        }
        try expect(final, [201], "finish \(mode.rawValue) upload of \(digest) (\(bytes.count) bytes)")
        if let echoed = final["Docker-Content-Digest"], echoed != digest {
            throw UnexpectedResponse(step: "finish upload", expected: "Docker-Content-Digest: \(digest)", response: final)
        }
        return final
    }

    /// Pushes an image manifest (with a config and one layer) and returns its bytes and digest.
    @discardableResult
    public func pushImage(_ repository: String, tag: String, layer: [UInt8] = randomLayer(), annotations: [String: String] = [:]) async throws -> (bytes: [UInt8], digest: Digest) {
        let config = Array(#"{"architecture":"amd64","os":"linux"}"#.utf8)
        let configDigest = try await pushBlob(repository, config)
        let layerDigest = try await pushBlob(repository, layer)
        let manifest = imageManifest(config: (configDigest, config.count), layers: [(layerDigest, layer.count)], annotations: annotations)
        try await pushManifest(manifest, mediaType: MediaType.ociManifest, to: repository, reference: tag)
        return (manifest, Digest.compute(manifest))
    }

    /// PUTs a manifest under `reference` (tag or digest) and returns the 201 response.
    @discardableResult
    public func pushManifest(_ bytes: [UInt8], mediaType: String, to repository: String, reference: String) async throws -> RegistryResponse {
        let put = try expect(try await request(.PUT, "/v2/\(repository)/manifests/\(reference)", headers: [("Content-Type", mediaType)], body: bytes),
                             [201], "PUT manifest \(repository):\(reference)")
        let digest = Digest.compute(bytes).description
        if let echoed = put["Docker-Content-Digest"], echoed != digest {
            throw UnexpectedResponse(step: "PUT manifest", expected: "Docker-Content-Digest: \(digest)", response: put)
        }
        return put
    }

    public static let manifestAccept = [MediaType.ociManifest, MediaType.ociIndex, MediaType.dockerManifest, MediaType.dockerManifestList]
        .joined(separator: ", ")

    public func getManifest(_ repository: String, reference: String) async throws -> RegistryResponse {
        try await request(.GET, "/v2/\(repository)/manifests/\(reference)", headers: [("Accept", Self.manifestAccept)])
    }

    public func getBlob(_ repository: String, digest: String) async throws -> RegistryResponse {
        try await request(.GET, "/v2/\(repository)/blobs/\(digest)")
    }

    @discardableResult
    private func expect(_ response: RegistryResponse, _ statuses: Set<Int>, _ step: String) throws -> RegistryResponse {
        guard statuses.contains(response.status) else {
            throw UnexpectedResponse(step: step, expected: statuses.sorted().map(String.init).joined(separator: " or "), response: response)
        }
        return response
    }

    private func location(_ response: RegistryResponse, _ step: String) throws -> String {
        guard let location = response["Location"], !location.isEmpty else {
            throw UnexpectedResponse(step: step, expected: "a Location header", response: response)
        }
        return location
    }
}

public func appendQuery(_ location: String, _ query: String) -> String {
    location + (location.contains("?") ? "&" : "?") + query
}

public func imageManifest(config: (Digest, Int), layers: [(Digest, Int)], subject: (Digest, Int)? = nil, artifactType: String? = nil,
                          annotations: [String: String] = [:], configMediaType: String = "application/vnd.oci.image.config.v1+json") -> [UInt8] {
    var object: [String: Any] = [
        "schemaVersion": 2,
        "mediaType": MediaType.ociManifest,
        "config": ["mediaType": configMediaType, "digest": config.0.description, "size": config.1],
        "layers": layers.map { ["mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": $0.0.description, "size": $0.1] },
    ]
    if let subject { object["subject"] = ["mediaType": MediaType.ociManifest, "digest": subject.0.description, "size": subject.1] }
    if let artifactType { object["artifactType"] = artifactType }
    if !annotations.isEmpty { object["annotations"] = annotations }
    return Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]))
}

public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
