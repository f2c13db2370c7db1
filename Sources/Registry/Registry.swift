import Foundation
import HTTPTypes
import Hummingbird
import Logging
import OCI
import Storage

/// The OCI Distribution v1.1 HTTP API over a blob store and a metadata store.
public struct Registry: HTTPResponder {
    public typealias Context = RegistryRequestContext

    let blobs: any BlobStore
    let metadata: any MetadataStore
    let uploads = UploadTracker()
    let manifests: ManifestCache
    let maximumManifestSize: Int
    let access: any RegistryAccessControl
    let policy: any ManifestPolicy
    /// Where pushes, pulls and deletions are told; nil tells nobody.
    let activity: (any RegistryActivity)?
    let logger: Logger

    public init(blobs: any BlobStore, metadata: any MetadataStore, access: any RegistryAccessControl, policy: any ManifestPolicy,
                activity: (any RegistryActivity)? = nil, maximumManifestSize: Int = 4 << 20, logger: Logger) {
        self.activity = activity
        self.blobs = blobs
        self.metadata = metadata
        self.manifests = ManifestCache(metadata: metadata)
        self.maximumManifestSize = maximumManifestSize
        self.access = access
        self.policy = policy
        self.logger = logger
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        var response: Response
        do {
            response = try await dispatch(request, context: context)
        } catch let error as RegistryError {
            response = error.response()
        } catch {
            logger.error("internal error", metadata: ["method": "\(request.method)", "path": "\(request.uri.path)", "error": "\(error)"])
            response = RegistryError(.unknown, status: .internalServerError, "internal error; see the registry's log").response()
        }
        response.headers[.dockerAPIVersion] = "registry/2.0"
        return response
    }

    /// Tells the registry that manifests of `repository` changed without going through it (retention deleted some), so
    /// what it cached is read again.
    public func manifestsChanged(in repository: RepositoryName) {
        manifests.invalidate(repository)
    }

    /// Tells the registry that manifests of any repository may have changed (another replica's, unheard).
    public func manifestsChangedEverywhere() {
        manifests.invalidateAll()
    }

    private func need(of route: Route, method: HTTPRequest.Method) -> RegistryNeed {
        let read = method == .get || method == .head
        switch route {
        case .base: return .ping
        case .catalog: return .catalog
        case .tags(let name), .referrers(let name, _):
            return .repository(name, .pull)
        case .manifest(let name, _), .blob(let name, _):
            return .repository(name, read ? .pull : method == .delete ? .delete : .push)
        case .uploads(let name), .upload(let name, _):
            return .repository(name, .push)
        }
    }

    private func authorize(_ route: Route, _ request: Request, address: String?) async throws -> RegistryCaller {
        var mountSource: RepositoryName?
        if case .uploads = route, request.method == .post, request.uri.queryParameters["mount"] != nil,
           let from = request.uri.queryParameters["from"] {
            mountSource = RepositoryName(String(from))
        }
        let facts = RegistryRequestFacts(headers: request.headers, authority: request.head.authority, address: address, mountSource: mountSource)
        return try await access.authorize(need(of: route, method: request.method), request: facts).get()
    }

    /// The route (and with it every repository name) is validated before access is decided, so a malformed
    /// name never reaches the policy or storage.
    private func dispatch(_ request: Request, context: Context) async throws -> Response {
        guard let route = try Route(path: request.uri.path) else {
            throw RegistryError(.unsupported, status: .notFound, "no such endpoint", detail: request.uri.path)
        }
        context.coreContext.endpointPath.value = route.endpoint.rawValue
        let caller = try await authorize(route, request, address: context.remoteAddress?.ipAddress)
        let method = request.method
        switch route {
        case .base:
            guard method == .get || method == .head else { throw RegistryError.unsupported("\(method) is not supported on /v2/") }
            return Response(status: .ok, headers: [.contentType: "application/json", .contentLength: "2"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
        case .catalog:
            guard method == .get else { throw RegistryError.unsupported("\(method) is not supported on the catalog") }
            return try await catalog(request, caller: caller)
        case .tags(let repository):
            guard method == .get else { throw RegistryError.unsupported("\(method) is not supported on the tags list") }
            return try await tags(request, name: repository)
        case .manifest(let repository, let reference):
            switch method {
            case .get: return try await getManifest(repository, reference, includeBody: true, caller: caller)
            case .head: return try await getManifest(repository, reference, includeBody: false, caller: caller)
            case .put: return try await putManifest(request, repository, reference, caller: caller)
            case .delete: return try await deleteManifest(repository, reference, caller: caller)
            default: throw RegistryError.unsupported("\(method) is not supported on manifests")
            }
        case .blob(let repository, let digest):
            let digest = try parseDigest(digest)
            switch method {
            case .get: return try await getBlob(request, repository, digest, includeBody: true, channel: context.channel)
            case .head: return try await getBlob(request, repository, digest, includeBody: false, channel: context.channel)
            case .delete: return try await deleteBlob(repository, digest)
            default: throw RegistryError.unsupported("\(method) is not supported on blobs")
            }
        case .uploads(let repository):
            guard method == .post else { throw RegistryError.unsupported("\(method) is not supported on blob uploads; start one with POST") }
            return try await startUpload(request, repository, caller: caller)
        case .upload(let repository, let id):
            switch method {
            case .get: return try await uploadStatus(repository, id)
            case .patch: return try await patchUpload(request, repository, id)
            case .put: return try await finishUpload(request, repository, id)
            case .delete: return try await cancelUpload(repository, id)
            default: throw RegistryError.unsupported("\(method) is not supported on an upload")
            }
        case .referrers(let repository, let digest):
            guard method == .get else { throw RegistryError.unsupported("\(method) is not supported on referrers") }
            return try await referrers(request, repository, try parseDigest(digest))
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
