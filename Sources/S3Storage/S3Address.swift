import Foundation

/// Where the blobs live: `s3://BUCKET[/PREFIX]?endpoint=URL&region=R`.
///
/// Requests are path-style (`ENDPOINT/BUCKET/KEY`), which every S3-compatible server (MinIO, Ceph, SeaweedFS) and AWS
/// accept. Without `endpoint` the address is AWS's regional endpoint. Credentials never go in the address — it is
/// logged and kept in configuration files — they come from `S3Credentials`.
public struct S3Address: Sendable, Equatable, CustomStringConvertible {
    public let bucket: String
    /// Empty, or ends with `/`: every key the store writes starts with it.
    public let keyPrefix: String
    /// `http(s)://host[:port]`, no path.
    public let endpoint: URL
    public let region: String

    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    public init(_ text: String) throws {
        func invalid(_ why: String) -> Invalid { Invalid(description: "S3 address \(Self.redacted(text)): \(why)") }
        guard let components = URLComponents(string: text), components.scheme == "s3" else {
            throw invalid("expected s3://BUCKET[/PREFIX]?endpoint=URL&region=REGION")
        }
        if components.user != nil || components.password != nil {
            throw invalid(Self.credentialsAdvice)
        }
        guard let bucket = components.host, !bucket.isEmpty else { throw invalid("no bucket") }
        guard Self.isBucketName(bucket) else {
            throw invalid("bucket \(bucket) is not a valid S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens)")
        }
        if components.port != nil { throw invalid("a port belongs in the endpoint parameter, not after the bucket") }
        let path = components.percentEncodedPath.removingPercentEncoding ?? components.path
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        if segments.contains(where: { $0 == "." || $0 == ".." }) || segments.dropLast().contains(where: \.isEmpty) {
            throw invalid("the prefix must not hold empty, . or .. segments")
        }
        let prefix = segments.filter { !$0.isEmpty }.joined(separator: "/")

        var endpointText: String?
        var region: String?
        for item in components.queryItems ?? [] {
            let name = item.name.lowercased()
            switch name {
            case "endpoint": endpointText = item.value
            case "region": region = item.value
            default:
                let credentialWords = ["key", "secret", "token", "password", "credential"]
                if credentialWords.contains(where: name.contains) { throw invalid(Self.credentialsAdvice) }
                throw invalid("unknown parameter \(item.name) (known: endpoint, region)")
            }
        }
        let resolvedRegion = region ?? "us-east-1"
        guard !resolvedRegion.isEmpty, resolvedRegion.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw invalid("region must be letters, digits and hyphens")
        }
        let endpoint: URL
        if let endpointText {
            guard let parsed = URLComponents(string: endpointText), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
                  let host = parsed.host, !host.isEmpty
            else { throw invalid("endpoint must be an http:// or https:// URL") }
            if parsed.user != nil || parsed.password != nil { throw invalid(Self.credentialsAdvice) }
            guard parsed.path.isEmpty || parsed.path == "/", parsed.query == nil, parsed.fragment == nil else {
                throw invalid("endpoint must be scheme://host[:port] only (requests are path-style)")
            }
            var origin = URLComponents()
            origin.scheme = scheme
            origin.host = host
            origin.port = parsed.port
            endpoint = origin.url!
        } else {
            endpoint = URL(string: "https://s3.\(resolvedRegion).amazonaws.com")!
        }
        self.bucket = bucket
        self.keyPrefix = prefix.isEmpty ? "" : prefix + "/"
        self.endpoint = endpoint
        self.region = resolvedRegion
    }

    public var description: String {
        "s3://\(bucket)/\(keyPrefix)?endpoint=\(endpoint.absoluteString)&region=\(region)"
    }

    private static let credentialsAdvice =
        "credentials do not belong in the address; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or use a credentials file"

    /// The address without its query and user part, for an error message: a refused address may hold a secret.
    private static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text) else { return "(unparseable)" }
        components.user = nil
        components.password = nil
        components.query = nil
        return components.string ?? "(unparseable)"
    }

    private static func isBucketName(_ name: String) -> Bool {
        (3...63).contains(name.count)
            && name.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "." || $0 == "-" }
            && name.first!.isASCII && (name.first!.isLowercase || name.first!.isNumber)
            && name.last!.isASCII && (name.last!.isLowercase || name.last!.isNumber)
    }
}
