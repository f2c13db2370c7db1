import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Access
import Controller
import OCI

/// The bootstrap administrator of test servers; `RegistryClient` logs in as it unless a test says otherwise.
let testAdminPassword = "registry-tests-admin"
let testAdminAuthorization = "Basic " + Data("admin:\(testAdminPassword)".utf8).base64EncodedString()

/// A real registry on a free loopback port, over a fresh data folder, for the duration of `body`.
func withRegistry<T: Sendable>(
    dataDirectory: URL? = nil,
    _ body: @Sendable (RegistryClient) async throws -> T
) async throws -> T {
    try await withRegistry(dataDirectory: dataDirectory, configure: { _ in }) { client, _ in try await body(client) }
}

/// Like `withRegistry`, with the server itself at hand and a step to run before serving.
func withRegistry<T: Sendable>(
    dataDirectory: URL? = nil,
    idleTimeout: Duration = .seconds(120),
    configure: (BerthServer) async throws -> Void,
    _ body: @Sendable (RegistryClient, BerthServer) async throws -> T
) async throws -> T {
    let directory = dataDirectory ?? FileManager.default.temporaryDirectory.appendingPathComponent("berth-registry-\(UUID().uuidString)")
    defer { if dataDirectory == nil { try? FileManager.default.removeItem(at: directory) } }
    var logger = Logger(label: "berth-test")
    logger.logLevel = .critical
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let server = try await BerthServer(
        configuration: .init(host: "127.0.0.1", port: 0, dataDirectory: directory, adminCredentials: AdminCredentials(secret: testAdminPassword),
                             idleTimeout: idleTimeout),
        logger: logger)
    try await configure(server)
    let app = server.makeApplication { _, port in
        continuation.yield(port)
    }
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            try await app.run()
            return nil
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        let result = try await body(RegistryClient(base: "http://127.0.0.1:\(port)"), server)
        group.cancelAll()
        while let next = try await group.next() { _ = next }
        return result
    }
}

struct RegistryResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    subscript(_ name: String) -> String? { headers.first(name: name) }

    /// The `code` of the first entry of an OCI error body.
    var errorCode: String? {
        struct Errors: Decodable {
            struct Entry: Decodable { let code: String }
            let errors: [Entry]
        }
        return (try? JSONDecoder().decode(Errors.self, from: Data(body)))?.errors.first?.code
    }

    func json<T: Decodable>(_ type: T.Type) throws -> T { try JSONDecoder().decode(type, from: Data(body)) }
}

struct RegistryClient: Sendable {
    let base: String

    func request(_ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], body: [UInt8]? = nil) async throws -> RegistryResponse {
        var request = HTTPClientRequest(url: path.hasPrefix("http") ? path : base + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        // `Authorization: -` sends no credentials at all.
        if request.headers["Authorization"].isEmpty {
            request.headers.add(name: "Authorization", value: testAdminAuthorization)
        } else if request.headers["Authorization"] == ["-"] {
            request.headers.remove(name: "Authorization")
        }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        var collected = try await response.body.collect(upTo: 64 << 20)
        return RegistryResponse(status: Int(response.status.code), headers: response.headers,
                                body: collected.readBytes(length: collected.readableBytes) ?? [])
    }

    /// Pushes a blob with POST + PUT and returns its digest.
    @discardableResult
    func pushBlob(_ repository: String, _ bytes: [UInt8]) async throws -> Digest {
        let digest = Digest.compute(bytes)
        let start = try await request(.POST, "/v2/\(repository)/blobs/uploads/")
        guard start.status == 202, let location = start["Location"] else { throw TestFailure("POST upload: \(start.status) \(start.text)") }
        let done = try await request(.PUT, appendQuery(location, "digest=\(digest)"), body: bytes)
        guard done.status == 201 else { throw TestFailure("PUT upload: \(done.status) \(done.text)") }
        return digest
    }

    /// Pushes an image manifest (with a config and one layer) and returns its bytes and digest.
    func pushImage(_ repository: String, tag: String, layer: [UInt8] = randomBytes(512), annotations: [String: String] = [:]) async throws -> (bytes: [UInt8], digest: Digest) {
        let config = Array(#"{"architecture":"amd64","os":"linux"}"#.utf8)
        let configDigest = try await pushBlob(repository, config)
        let layerDigest = try await pushBlob(repository, layer)
        let manifest = imageManifest(config: (configDigest, config.count), layers: [(layerDigest, layer.count)], annotations: annotations)
        let response = try await request(.PUT, "/v2/\(repository)/manifests/\(tag)", headers: [("Content-Type", MediaType.ociManifest)], body: manifest)
        guard response.status == 201 else { throw TestFailure("PUT manifest: \(response.status) \(response.text)") }
        return (manifest, Digest.compute(manifest))
    }
}

func appendQuery(_ location: String, _ query: String) -> String {
    location + (location.contains("?") ? "&" : "?") + query
}

func imageManifest(config: (Digest, Int), layers: [(Digest, Int)], subject: (Digest, Int)? = nil, artifactType: String? = nil,
                   annotations: [String: String] = [:], configMediaType: String = "application/vnd.oci.image.config.v1+json") -> [UInt8] {
    var object: [String: Any] = [
        "schemaVersion": 2,
        "mediaType": MediaType.ociManifest,
        "config": ["mediaType": configMediaType, "digest": config.0.description, "size": config.1],
        "layers": layers.map { ["mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": $0.0.description, "size": $0.1] },
    ]
    if let subject { object["subject"] = ["mediaType": MediaType.ociManifest, "digest": subject.0.description, "size": subject.1] }
    if let artifactType { object["artifactType"] = artifactType }
    if !annotations.isEmpty { object["annotations"] = annotations }
    return Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]))
}

func randomBytes(_ count: Int) -> [UInt8] {
    // In one call: a random number per byte takes minutes for a blob of tens of MiB in a debug build.
    [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
        if let start = buffer.baseAddress { arc4random_buf(start, count) }
        initialized = count
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
