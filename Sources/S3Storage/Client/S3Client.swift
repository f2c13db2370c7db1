import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// The S3 requests the blob store makes, path-style over one `HTTPClient`, each signed with `SignatureV4`.
///
/// Idempotent requests are tried again (twice, after a short pause) when no answer came or the server failed (5xx);
/// a request that creates something new each time (CreateMultipartUpload) is not.
struct S3Client: Sendable {
    let address: S3Address
    let http: HTTPClient
    private let signer: SignatureV4
    let logger: Logger
    private let host: String

    static let attempts = 3
    /// How much of an error or listing answer is read: S3's documents are small, a larger body is not S3 talking.
    static let documentLimit = 16 << 20

    init(address: S3Address, credentials: S3Credentials, http: HTTPClient, logger: Logger) {
        self.address = address
        self.http = http
        self.logger = logger
        signer = SignatureV4(credentials: credentials, region: address.region)
        let port = address.endpoint.port
        let defaultPort = address.endpoint.scheme == "https" ? 443 : 80
        host = address.endpoint.host! + (port.map { $0 == defaultPort ? "" : ":\($0)" } ?? "")
    }

    /// One request: the object `key` (nil: the bucket itself) and what to send.
    struct Call: Sendable {
        var operation: String
        var method: HTTPMethod
        var key: String?
        var query: [(name: String, value: String)] = []
        var headers: [(name: String, value: String)] = []
        var body: ByteBuffer?
        var idempotent = true
    }

    /// Sends `call` (again, for an idempotent one, after a transient failure) and returns the answer when it is a
    /// success; throws `S3Error` otherwise. The caller reads or drops the body.
    func send(_ call: Call) async throws -> HTTPClientResponse {
        var attempt = 1
        while true {
            do {
                let response: HTTPClientResponse
                do {
                    response = try await http.execute(request(for: call), timeout: .seconds(60), logger: logger)
                } catch {
                    throw S3Error(operation: call.operation, status: nil, code: "ConnectionFailed", message: String(describing: error))
                }
                guard (200..<300).contains(response.status.code) else {
                    let body = (try? await response.body.collect(upTo: Self.documentLimit)) ?? ByteBuffer()
                    throw S3Error(operation: call.operation, status: Int(response.status.code), body: Data(body.readableBytesView))
                }
                return response
            } catch let error as S3Error where call.idempotent && error.isTransient && attempt < Self.attempts {
                logger.warning("S3 request failed, trying again", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
                try await Task.sleep(for: .milliseconds(200 << attempt))
                attempt += 1
            }
        }
    }

    /// Sends `call` and reads its answer, a small XML document; an `<Error>` document is an error even with status
    /// 200, as CopyObject, UploadPartCopy and CompleteMultipartUpload may answer.
    func document(_ call: Call) async throws -> S3XMLElement {
        let response = try await send(call)
        let body = try await response.body.collect(upTo: Self.documentLimit)
        guard let document = S3XMLElement.parse(Data(body.readableBytesView)) else {
            throw S3Error(operation: call.operation, status: Int(response.status.code), code: "MalformedResponse", message: "the answer is not XML")
        }
        if document.name == "Error" { throw S3Error(operation: call.operation, status: Int(response.status.code), body: Data(body.readableBytesView)) }
        return document
    }

    /// The object's size, or nil when there is no such object; blocks the calling thread until S3 answers.
    /// Must not run on an event loop thread, whose loop would then stop serving the request it waits for.
    func blockingHead(_ key: String, operation: String) throws -> Int64? {
        precondition(MultiThreadedEventLoopGroup.currentEventLoop == nil, "a blocking S3 request on an event loop thread")
        let call = Call(operation: operation, method: .HEAD, key: key)
        var attempt = 1
        while true {
            let prepared = prepare(call)
            let failure: S3Error
            do {
                let request = try HTTPClient.Request(url: prepared.url, method: .HEAD, headers: prepared.headers)
                let response = try http.execute(request: request, deadline: .now() + .seconds(60), logger: logger).wait()
                if response.status == .notFound { return nil }
                if (200..<300).contains(response.status.code) { return Self.contentLength(response.headers) }
                failure = S3Error(operation: operation, status: Int(response.status.code), code: "", message: "")
            } catch {
                failure = S3Error(operation: operation, status: nil, code: "ConnectionFailed", message: String(describing: error))
            }
            guard failure.isTransient, attempt < Self.attempts else { throw failure }
            Thread.sleep(forTimeInterval: 0.2 * Double(1 << attempt))
            attempt += 1
        }
    }

    static func contentLength(_ headers: HTTPHeaders) -> Int64? { headers.first(name: "content-length").flatMap { Int64($0) } }

    private func request(for call: Call) -> HTTPClientRequest {
        let prepared = prepare(call)
        var request = HTTPClientRequest(url: prepared.url)
        request.method = call.method
        request.headers = prepared.headers
        if let body = call.body { request.body = .bytes(body) }
        return request
    }

    /// The URL and every header of `call`, signed now.
    func prepare(_ call: Call) -> (url: String, headers: HTTPHeaders) {
        let path = "/" + address.bucket + (call.key.map { "/" + $0 } ?? "")
        var toSign = call.headers
        toSign.append(("host", host))
        let payload = call.body.map { body in body.withUnsafeReadableBytes { SignatureV4.Payload.hashing($0) } } ?? .empty
        let signable = SignatureV4.Request(method: call.method.rawValue, path: path, query: call.query, headers: toSign, payload: payload)
        var headers = HTTPHeaders(toSign)
        headers.add(contentsOf: signer.authorizationHeaders(for: signable, at: Date()))
        let query = call.query.map { "\(URIEncoding.encode($0.name))=\(URIEncoding.encode($0.value))" }.joined(separator: "&")
        let url = address.endpoint.absoluteString + URIEncoding.encode(path, keepingSlashes: true) + (query.isEmpty ? "" : "?" + query)
        return (url, headers)
    }
}
