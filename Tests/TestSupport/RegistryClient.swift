import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import OCI

/// A registry client of tests: raw requests over loopback, and pushes of blobs and images built by hand.
public struct RegistryResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders, body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var text: String { String(decoding: body, as: UTF8.self) }

    public subscript(_ name: String) -> String? { headers.first(name: name) }

    /// The `code` of the first entry of an OCI error body.
    public var errorCode: String? {
        struct Errors: Decodable {
            struct Entry: Decodable { let code: String }
            let errors: [Entry]
        }
        return (try? JSONDecoder().decode(Errors.self, from: Data(body)))?.errors.first?.code
    }

    public func json<T: Decodable>(_ type: T.Type) throws -> T { try JSONDecoder().decode(type, from: Data(body)) }
}

public struct RegistryClient: Sendable {
    public let base: String
    /// Sent when a request names no `Authorization` of its own.
    public let defaultAuthorization: String?

    public init(base: String, defaultAuthorization: String? = nil) {
        self.base = base
        self.defaultAuthorization = defaultAuthorization
    }

    public func request(_ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], body: [UInt8]? = nil) async throws -> RegistryResponse {
        var request = HTTPClientRequest(url: path.hasPrefix("http") ? path : base + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        // `Authorization: -` sends no credentials at all.
        if request.headers["Authorization"].isEmpty, let defaultAuthorization {
            request.headers.add(name: "Authorization", value: defaultAuthorization)
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
    public func pushBlob(_ repository: String, _ bytes: [UInt8]) async throws -> Digest {
        let digest = Digest.compute(bytes)
        let start = try await request(.POST, "/v2/\(repository)/blobs/uploads/")
        guard start.status == 202, let location = start["Location"] else { throw TestFailure("POST upload: \(start.status) \(start.text)") }
        let done = try await request(.PUT, appendQuery(location, "digest=\(digest)"), body: bytes)
        guard done.status == 201 else { throw TestFailure("PUT upload: \(done.status) \(done.text)") }
        return digest
    }

    /// Pushes an image manifest (with a config and one layer) and returns its bytes and digest.
    public func pushImage(_ repository: String, tag: String, layer: [UInt8] = randomBytes(512), annotations: [String: String] = [:]) async throws -> (bytes: [UInt8], digest: Digest) {
        let config = Array(#"{"architecture":"amd64","os":"linux"}"#.utf8)
        let configDigest = try await pushBlob(repository, config)
        let layerDigest = try await pushBlob(repository, layer)
        let manifest = imageManifest(config: (configDigest, config.count), layers: [(layerDigest, layer.count)], annotations: annotations)
        let response = try await request(.PUT, "/v2/\(repository)/manifests/\(tag)", headers: [("Content-Type", MediaType.ociManifest)], body: manifest)
        guard response.status == 201 else { throw TestFailure("PUT manifest: \(response.status) \(response.text)") }
        return (manifest, Digest.compute(manifest))
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
        "layers": layers.map { ["mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": $0.0.description, "size": $0.1] },
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
