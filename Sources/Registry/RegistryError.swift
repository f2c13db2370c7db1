import Foundation
import HTTPTypes
import Hummingbird
import OCI

/// An error answered with the distribution spec's JSON body: `{"errors":[{"code","message","detail"}]}`.
public struct RegistryError: Error, Sendable {
    public enum Code: String, Sendable {
        case blobUnknown = "BLOB_UNKNOWN"
        case blobUploadInvalid = "BLOB_UPLOAD_INVALID"
        case blobUploadUnknown = "BLOB_UPLOAD_UNKNOWN"
        case digestInvalid = "DIGEST_INVALID"
        case manifestBlobUnknown = "MANIFEST_BLOB_UNKNOWN"
        case manifestInvalid = "MANIFEST_INVALID"
        case manifestUnknown = "MANIFEST_UNKNOWN"
        case nameInvalid = "NAME_INVALID"
        case nameUnknown = "NAME_UNKNOWN"
        case sizeInvalid = "SIZE_INVALID"
        case unauthorized = "UNAUTHORIZED"
        case denied = "DENIED"
        case unsupported = "UNSUPPORTED"
        case tooManyRequests = "TOOMANYREQUESTS"
        case rangeInvalid = "RANGE_INVALID"
        case paginationNumberInvalid = "PAGINATION_NUMBER_INVALID"
        case tagInvalid = "TAG_INVALID"
        case unknown = "UNKNOWN"
    }

    public var code: Code
    public var status: HTTPResponse.Status
    public var message: String
    public var detail: String?
    public var headers: HTTPFields = [:]

    public init(_ code: Code, status: HTTPResponse.Status, _ message: String, detail: String? = nil) {
        self.code = code
        self.status = status
        self.message = message
        self.detail = detail
    }

    static func blobUnknown(_ digest: Digest) -> Self { .init(.blobUnknown, status: .notFound, "blob unknown to registry", detail: digest.description) }
    static func uploadUnknown(_ id: String) -> Self { .init(.blobUploadUnknown, status: .notFound, "blob upload unknown to registry", detail: id) }
    static func manifestUnknown(_ reference: String) -> Self { .init(.manifestUnknown, status: .notFound, "manifest unknown", detail: reference) }
    static func tagInvalid(_ tag: String) -> Self { .init(.tagInvalid, status: .badRequest, "invalid tag; expected [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}", detail: tag) }
    static func nameInvalid(_ name: String) -> Self {
        .init(.nameInvalid, status: .badRequest, "invalid repository name; expected lower-case components of [a-z0-9] joined by '.', '_', '__' or '-', separated by '/', at most \(RepositoryName.maximumLength) characters", detail: name)
    }
    static func nameUnknown(_ name: RepositoryName) -> Self { .init(.nameUnknown, status: .notFound, "repository name not known to registry", detail: name.value) }
    static func digestInvalid(_ message: String, detail: String? = nil) -> Self { .init(.digestInvalid, status: .badRequest, message, detail: detail) }
    static func unsupported(_ message: String) -> Self { .init(.unsupported, status: .methodNotAllowed, message) }

    func response() -> Response {
        struct Body: Encodable {
            struct Entry: Encodable {
                let code: String
                let message: String
                let detail: String?
            }
            let errors: [Entry]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(Body(errors: [.init(code: code.rawValue, message: message, detail: detail)]))) ?? Data()
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.contentLength] = String(data.count)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
