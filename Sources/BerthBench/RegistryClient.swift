import AsyncHTTPClient
import Crypto
import NIOCore
import TestSupport
import WireFormats

/// A failure the benchmark reports and exits non-zero on.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum MediaType {
    static let imageManifest = "application/vnd.oci.image.manifest.v1+json"
    static let imageConfig = "application/vnd.oci.image.config.v1+json"
    static let layerTar = "application/vnd.oci.image.layer.v1.tar"
}

func sha256Digest<B: Sequence>(_ bytes: B) -> String where B.Element == UInt8 {
    var h = SHA256()
    h.update(data: Array(bytes))
    return "sha256:" + Hex.string(h.finalize())
}

/// Minimal OCI Distribution v1.1 client over one shared `HTTPClient`.
struct RegistryClient: Sendable {
    let http: HTTPClient
    /// Base URL without trailing slash, e.g. `http://127.0.0.1:5000`.
    let base: String
    let repo: String
    /// The `Authorization` header sent with every request, if any.
    let authorization: String?
    /// Per-request deadline.
    let timeout: TimeAmount = .seconds(600)

    init(http: HTTPClient, base: String, repo: String, authorization: String? = nil) {
        var b = base
        while b.hasSuffix("/") { b.removeLast() }
        self.http = http
        self.base = b
        self.repo = repo
        self.authorization = authorization
    }

    var repoURL: String { "\(base)/v2/\(repo)" }

    /// Turns a `Location` header (absolute or absolute-path) into a full URL.
    func resolve(location: String) -> String {
        if location.hasPrefix("http://") || location.hasPrefix("https://") { return location }
        if location.hasPrefix("/") { return base + location }
        return base + "/" + location
    }

    static func appendingQuery(_ url: String, _ item: String) -> String {
        url + (url.contains("?") ? "&" : "?") + item
    }

    // MARK: low level

    /// Executes `request`; if the status is not in `expect`, reads (part of) the body
    /// and throws an error naming method, URL, status and body.
    func execute(_ request: HTTPClientRequest, expect: Set<UInt>) async throws -> HTTPClientResponse {
        var request = request
        if let authorization { request.headers.replaceOrAdd(name: "Authorization", value: authorization) }
        let response = try await http.execute(request, timeout: timeout)
        if !expect.contains(response.status.code) {
            let body = (try? await response.body.collect(upTo: 64 * 1024)).map { String(buffer: $0) } ?? "<unreadable body>"
            throw BenchError(
                "\(request.method.rawValue) \(request.url) -> \(response.status.code) \(response.status.reasonPhrase) (expected \(expect.sorted().map(String.init).joined(separator: "/"))): \(body)"
            )
        }
        return response
    }

    /// Executes and drains the (small) response body, returning response head and body.
    func executeCollect(
        _ request: HTTPClientRequest, expect: Set<UInt>, maxBody: Int = 16 * 1024 * 1024
    ) async throws -> (HTTPClientResponse, ByteBuffer) {
        let response = try await execute(request, expect: expect)
        let body = try await response.body.collect(upTo: maxBody)
        return (response, body)
    }

    func locationHeader(of response: HTTPClientResponse, for request: HTTPClientRequest) throws -> String {
        guard let loc = response.headers.first(name: "Location"), !loc.isEmpty else {
            throw BenchError("\(request.method.rawValue) \(request.url) -> \(response.status.code) without a Location header")
        }
        return resolve(location: loc)
    }

    // MARK: blobs

    /// `POST /v2/<repo>/blobs/uploads/` → 202; returns the absolute upload URL.
    func startUpload() async throws -> String {
        var req = HTTPClientRequest(url: "\(repoURL)/blobs/uploads/")
        req.method = .POST
        let (resp, _) = try await executeCollect(req, expect: [202])
        return try locationHeader(of: resp, for: req)
    }

    /// `PUT <location>?digest=` with `body` of `length` bytes → 201.
    func finishUpload(location: String, digest: String, body: HTTPClientRequest.Body?) async throws {
        var req = HTTPClientRequest(url: Self.appendingQuery(location, "digest=\(digest)"))
        req.method = .PUT
        req.headers.add(name: "Content-Type", value: "application/octet-stream")
        req.body = body  // nil: AsyncHTTPClient sends Content-Length: 0
        let (resp, _) = try await executeCollect(req, expect: [201])
        if let got = resp.headers.first(name: "Docker-Content-Digest"), got != digest {
            throw BenchError("PUT \(req.url): server reports digest \(got), expected \(digest)")
        }
    }

    /// `PATCH <location>` with one chunk → 202; returns the next upload URL.
    func patchChunk(location: String, start: Int64, body: HTTPClientRequest.Body, length: Int64) async throws -> String {
        var req = HTTPClientRequest(url: location)
        req.method = .PATCH
        req.headers.add(name: "Content-Type", value: "application/octet-stream")
        req.headers.add(name: "Content-Range", value: "\(start)-\(start + length - 1)")
        req.body = body
        let (resp, _) = try await executeCollect(req, expect: [202])
        return try locationHeader(of: resp, for: req)
    }

    /// Monolithic push of an in-memory blob: POST + PUT ?digest.
    func pushBlob(_ bytes: ByteBuffer, digest: String) async throws {
        let loc = try await startUpload()
        try await finishUpload(location: loc, digest: digest, body: .bytes(bytes))
    }

    // MARK: manifests

    func putManifest(reference: String, body: ByteBuffer, mediaType: String = MediaType.imageManifest, digest: String)
        async throws
    {
        var req = HTTPClientRequest(url: "\(repoURL)/manifests/\(reference)")
        req.method = .PUT
        req.headers.add(name: "Content-Type", value: mediaType)
        req.body = .bytes(body)
        let (resp, _) = try await executeCollect(req, expect: [201])
        if let got = resp.headers.first(name: "Docker-Content-Digest"), got != digest {
            throw BenchError("PUT \(req.url): server reports digest \(got), expected \(digest)")
        }
    }

    func getManifest(reference: String, accept: String = MediaType.imageManifest) async throws -> ByteBuffer {
        var req = HTTPClientRequest(url: "\(repoURL)/manifests/\(reference)")
        req.method = .GET
        req.headers.add(name: "Accept", value: accept)
        let (_, body) = try await executeCollect(req, expect: [200])
        return body
    }
}

/// A config blob + one small layer blob, enough for registries that verify manifest references.
struct ImageParts: Sendable {
    let layer: ByteBuffer
    let layerDigest: String
    let config: ByteBuffer
    let configDigest: String

    /// The layer is a real tar archive (one file of `layerSize` random bytes), which a tier's secret scan reads as clean.
    init(layerSize: Int = 1024) {
        let layerBytes = randomLayer(layerSize)
        layerDigest = sha256Digest(layerBytes)
        layer = ByteBuffer(bytes: layerBytes)
        let configJSON =
            #"{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[""#
            + layerDigest + #""]}}"#
        configDigest = sha256Digest(Array(configJSON.utf8))
        config = ByteBuffer(string: configJSON)
    }

    func push(to registry: RegistryClient) async throws {
        try await registry.pushBlob(config, digest: configDigest)
        try await registry.pushBlob(layer, digest: layerDigest)
    }

    /// An OCI image manifest referencing these blobs; `annotations` make it distinct.
    func manifest(annotations: [(String, String)]) -> (ByteBuffer, String) {
        var json =
            #"{"schemaVersion":2,"mediaType":""# + MediaType.imageManifest + #"","config":{"mediaType":""#
            + MediaType.imageConfig + #"","digest":""# + configDigest + #"","size":\#(config.readableBytes)},"#
            + #""layers":[{"mediaType":""# + MediaType.layerTar + #"","digest":""# + layerDigest
            + #"","size":\#(layer.readableBytes)}]"#
        if !annotations.isEmpty {
            json += #","annotations":{"#
            json += annotations.map { #""\#($0.0)":"\#($0.1)""# }.joined(separator: ",")
            json += "}"
        }
        json += "}"
        let bytes = Array(json.utf8)
        return (ByteBuffer(bytes: bytes), sha256Digest(bytes))
    }
}
