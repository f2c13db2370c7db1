import Registry

/// What an HTTP request was for, as its metrics are labelled: the registry's endpoint families, the token endpoint,
/// the admin API and the metrics themselves. Read from the endpoint path the router or the registry recorded.
enum RouteFamily: String, CaseIterable, Sendable {
    case base, blob, manifest, upload, tags, catalog, referrers, token, admin, metrics, other

    init(endpoint: String?) {
        guard let endpoint else {
            self = .other
            return
        }
        if let registry = RegistryEndpoint(rawValue: endpoint) {
            self = switch registry {
            case .base: .base
            case .catalog: .catalog
            case .tags: .tags
            case .manifest: .manifest
            case .blob: .blob
            case .uploads, .upload: .upload
            case .referrers: .referrers
            }
        } else if endpoint == TokenEndpoint.path {
            self = .token
        } else if endpoint.hasPrefix("/admin/") || endpoint == "/status" {
            self = .admin
        } else if endpoint == "/metrics" {
            self = .metrics
        } else {
            self = .other
        }
    }
}
