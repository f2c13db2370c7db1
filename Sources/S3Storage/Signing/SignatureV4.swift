import Crypto
import Foundation
import WireFormats

/// AWS Signature Version 4 for S3, header form ("Authorization: AWS4-HMAC-SHA256 …").
///
/// Hand-written: the package mirror has no AWS SDK, and the algorithm is small and fully specified (AWS's "Signature
/// Calculations for the Authorization Header"). Checked against AWS's published examples and against botocore.
/// A pure value: the date is an argument, so a signature is reproducible in a test.
struct SignatureV4: Sendable {
    let credentials: S3Credentials
    let region: String
    let service = "s3"

    /// What the request body hashes to, as the `x-amz-content-sha256` header states it.
    enum Payload: Sendable, Equatable {
        case unsigned
        case sha256(hex: String)

        static let empty = Payload.sha256(hex: Hex.string(SHA256.hash(data: [UInt8]())))

        static func hashing(_ bytes: some DataProtocol) -> Payload { .sha256(hex: Hex.string(SHA256.hash(data: bytes))) }

        var headerValue: String {
            switch self {
            case .unsigned: "UNSIGNED-PAYLOAD"
            case .sha256(let hex): hex
            }
        }
    }

    /// A request as signed: `path` unencoded (`/bucket/key`), query pairs unencoded, `headers` every header to sign
    /// (at least `host`).
    struct Request: Sendable {
        var method: String
        var path: String
        var query: [(name: String, value: String)] = []
        var headers: [(name: String, value: String)]
        var payload: Payload
    }

    /// The headers to add to the request: `x-amz-date`, `x-amz-content-sha256`, the session token when there is one,
    /// and `authorization`.
    func authorizationHeaders(for request: Request, at date: Date) -> [(name: String, value: String)] {
        let timestamp = Self.timestamp(date)
        let day = String(timestamp.prefix(8))
        var added: [(name: String, value: String)] = [("x-amz-date", timestamp), ("x-amz-content-sha256", request.payload.headerValue)]
        if let token = credentials.sessionToken { added.append(("x-amz-security-token", token)) }
        var signed = request
        signed.headers += added
        let canonical = Self.canonicalRequest(signed)
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = "AWS4-HMAC-SHA256\n\(timestamp)\n\(scope)\n\(Hex.string(SHA256.hash(data: Array(canonical.request.utf8))))"
        let signature = Hex.string(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: signingKey(day: day)))
        added.append((
            "authorization",
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(canonical.signedHeaders), Signature=\(signature)"
        ))
        return added
    }

    /// The canonical request and the signed-headers list it names.
    static func canonicalRequest(_ request: Request) -> (request: String, signedHeaders: String) {
        let encoded: [(name: String, value: String)] = request.query.map { (URIEncoding.encode($0.name), URIEncoding.encode($0.value)) }
        let sorted = encoded.sorted { $0.name == $1.name ? $0.value < $1.value : $0.name < $1.name }
        let query = sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        // Repeated headers join with commas, in the order given; values lose outer whitespace and inner runs of it.
        var headers: [String: [String]] = [:]
        for (name, value) in request.headers {
            headers[name.lowercased(), default: []].append(value.split(whereSeparator: \.isWhitespace).joined(separator: " "))
        }
        let names = headers.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(headers[$0]!.joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let text = [
            request.method, URIEncoding.encode(request.path, keepingSlashes: true), query, canonicalHeaders, signedHeaders,
            request.payload.headerValue,
        ].joined(separator: "\n")
        return (text, signedHeaders)
    }

    private func signingKey(day: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key))
        }
        return key
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC.
    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(parts.year ?? 1970)\(two(parts.month))\(two(parts.day))T\(two(parts.hour))\(two(parts.minute))\(two(parts.second))Z"
    }
}
