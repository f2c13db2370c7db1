import Foundation
import HTTPTypes
import Hummingbird
import Logging
import OCI
import Storage

/// The OCI Distribution v1.1 HTTP API over a blob store and a metadata store.
public struct Registry: HTTPResponder {
    public typealias Context = BasicRequestContext

    let blobs: any BlobStore
    let metadata: any MetadataStore
    let uploads = UploadTracker()
    let manifests: ManifestCache
    let maximumManifestSize: Int
    let logger: Logger

    public init(blobs: any BlobStore, metadata: any MetadataStore, maximumManifestSize: Int = 4 << 20, logger: Logger) {
        self.blobs = blobs
        self.metadata = metadata
        self.manifests = ManifestCache(metadata: metadata)
        self.maximumManifestSize = maximumManifestSize
        self.logger = logger
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        var response: Response
        do {
            response = try await dispatch(request)
        } catch let error as RegistryError {
            response = error.response()
        } catch {
            logger.error("internal error", metadata: ["method": "\(request.method)", "path": "\(request.uri.path)", "error": "\(error)"])
            response = RegistryError(.unknown, status: .internalServerError, "internal error; see the registry's log").response()
        }
        response.headers[.dockerAPIVersion] = "registry/2.0"
        return response
    }

    private func dispatch(_ request: Request) async throws -> Response {
        guard let route = Route(path: request.uri.path) else {
            throw RegistryError(.unsupported, status: .notFound, "no such endpoint", detail: request.uri.path)
        }
        let method = request.method
        switch route {
        case .base:
            guard method == .get || method == .head else { throw RegistryError.unsupported("\(method) is not supported on /v2/") }
            return Response(status: .ok, headers: [.contentType: "application/json", .contentLength: "2"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
        case .catalog:
            guard method == .get else { throw RegistryError.unsupported("\(method) is not supported on the catalog") }
            return try await catalog(request)
        case .tags(let name):
            guard method == .get else { throw RegistryError.unsupported("\(method) is not supported on the tags list") }
            return try await tags(request, name: try repository(name))
        case .manifest(let name, let reference):
            let repository = try repository(name)
            switch method {
            case .get: return try await getManifest(repository, reference, includeBody: true)
            case .head: return try await getManifest(repository, reference, includeBody: false)
            case .put: return try await putManifest(request, repository, reference)
            case .delete: return try await deleteManifest(repository, reference)
            default: throw RegistryError.unsupported("\(method) is not supported on manifests")
            }
        case .blob(let name, let digest):
            let repository = try repository(name)
            let digest = try parseDigest(digest)
            switch method {
            case .get: return try await getBlob(request, repository, digest, includeBody: true)
            case .head: return try await getBlob(request, repository, digest, includeBody: false)
            case .delete: return try await deleteBlob(repository, digest)
            default: throw RegistryError.unsupported("\(method) is not supported on blobs")
            }
        case .uploads(let name):
            guard method == .post else { throw RegistryError.unsupported("\(method) is not supported on blob uploads; start one with POST") }
            return try await startUpload(request, try repository(name))
        case .upload(let name, let id):
            let repository = try repository(name)
            switch method {
            case .get: return try await uploadStatus(repository, id)
            case .patch: return try await patchUpload(request, repository, id)
            case .put: return try await finishUpload(request, repository, id)
            case .delete: return try await cancelUpload(repository, id)
            default: throw RegistryError.unsupported("\(method) is not supported on an upload")
            }
        case .referrers(let name, let digest):
            guard method == .get else { throw RegistryError.unsupported("\(method) is not supported on referrers") }
            return try await referrers(request, try repository(name), try parseDigest(digest))
        }
    }

    func repository(_ name: String) throws(RegistryError) -> RepositoryName {
        guard let repository = RepositoryName(name) else { throw .nameInvalid(name) }
        return repository
    }

    func parseDigest(_ string: some StringProtocol) throws(RegistryError) -> Digest {
        guard let digest = Digest(string) else {
            throw .digestInvalid("invalid digest; expected sha256:<64 lower-case hex> or sha512:<128 lower-case hex>", detail: String(string))
        }
        return digest
    }

    static func json(_ value: some Encodable, contentType: String = "application/json", status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        var headers = headers
        headers[.contentType] = contentType
        headers[.contentLength] = String(data.count)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
