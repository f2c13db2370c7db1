import OCI

/// The registry endpoints, recognised from the raw (still percent-encoded) request path.
///
/// Repository names may contain `/`, so the name is whatever stands between `/v2/` and the endpoint's
/// fixed suffix, found from the end of the path. It is validated here, once: access control and the
/// handlers only ever see valid names.
enum Route: Equatable {
    case base
    case catalog
    case tags(name: RepositoryName)
    case manifest(name: RepositoryName, reference: String)
    case blob(name: RepositoryName, digest: String)
    case uploads(name: RepositoryName)
    case upload(name: RepositoryName, id: String)
    case referrers(name: RepositoryName, digest: String)

    /// Nil for a path that is no endpoint; throws `NAME_INVALID` for an endpoint with a malformed name.
    init?(path: String) throws(RegistryError) {
        guard path == "/v2" || path.hasPrefix("/v2/") else { return nil }
        if path == "/v2" || path == "/v2/" {
            self = .base
            return
        }
        if path == "/v2/_catalog" {
            self = .catalog
            return
        }
        let parts = path.dropFirst(4).split(separator: "/", omittingEmptySubsequences: false)
        let count = parts.count
        func name(dropping suffix: Int) throws(RegistryError) -> RepositoryName? {
            guard count > suffix else { return nil }
            let text = parts[0..<(count - suffix)].joined(separator: "/")
            guard let name = RepositoryName(text) else { throw .nameInvalid(text) }
            return name
        }
        if count >= 3, parts[count - 3] == "blobs", parts[count - 2] == "uploads", let name = try name(dropping: 3) {
            self = parts[count - 1].isEmpty ? .uploads(name: name) : .upload(name: name, id: String(parts[count - 1]))
        } else if count >= 2, parts[count - 2] == "blobs", parts[count - 1] == "uploads", let name = try name(dropping: 2) {
            self = .uploads(name: name)
        } else if count >= 2, parts[count - 2] == "tags", parts[count - 1] == "list", let name = try name(dropping: 2) {
            self = .tags(name: name)
        } else if count >= 2, parts[count - 2] == "manifests", let name = try name(dropping: 2) {
            self = .manifest(name: name, reference: String(parts[count - 1]))
        } else if count >= 2, parts[count - 2] == "blobs", let name = try name(dropping: 2) {
            self = .blob(name: name, digest: String(parts[count - 1]))
        } else if count >= 2, parts[count - 2] == "referrers", let name = try name(dropping: 2) {
            self = .referrers(name: name, digest: String(parts[count - 1]))
        } else {
            return nil
        }
    }
}

/// The registry's endpoints as route templates, which the registry records as the request's endpoint path (Hummingbird's
/// `endpointPath`) for metrics and tracing: every request to one endpoint shares one label, whatever its repository.
public enum RegistryEndpoint: String, Sendable, CaseIterable {
    case base = "/v2/"
    case catalog = "/v2/_catalog"
    case tags = "/v2/{name}/tags/list"
    case manifest = "/v2/{name}/manifests/{reference}"
    case blob = "/v2/{name}/blobs/{digest}"
    case uploads = "/v2/{name}/blobs/uploads/"
    case upload = "/v2/{name}/blobs/uploads/{id}"
    case referrers = "/v2/{name}/referrers/{digest}"
}

extension Route {
    var endpoint: RegistryEndpoint {
        switch self {
        case .base: .base
        case .catalog: .catalog
        case .tags: .tags
        case .manifest: .manifest
        case .blob: .blob
        case .uploads: .uploads
        case .upload: .upload
        case .referrers: .referrers
        }
    }
}
