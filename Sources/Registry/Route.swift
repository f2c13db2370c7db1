import OCI

/// The registry endpoints, recognised from the raw (still percent-encoded) request path.
///
/// Repository names may contain `/`, so the name is whatever stands between `/v2/` and the endpoint's
/// fixed suffix, found from the end of the path.
enum Route: Equatable {
    case base
    case catalog
    case tags(name: String)
    case manifest(name: String, reference: String)
    case blob(name: String, digest: String)
    case uploads(name: String)
    case upload(name: String, id: String)
    case referrers(name: String, digest: String)

    init?(path: String) {
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
        func name(dropping suffix: Int) -> String? {
            guard count > suffix else { return nil }
            return parts[0..<(count - suffix)].joined(separator: "/")
        }
        if count >= 3, parts[count - 3] == "blobs", parts[count - 2] == "uploads", let name = name(dropping: 3) {
            self = parts[count - 1].isEmpty ? .uploads(name: name) : .upload(name: name, id: String(parts[count - 1]))
        } else if count >= 2, parts[count - 2] == "blobs", parts[count - 1] == "uploads", let name = name(dropping: 2) {
            self = .uploads(name: name)
        } else if count >= 2, parts[count - 2] == "tags", parts[count - 1] == "list", let name = name(dropping: 2) {
            self = .tags(name: name)
        } else if count >= 2, parts[count - 2] == "manifests", let name = name(dropping: 2) {
            self = .manifest(name: name, reference: String(parts[count - 1]))
        } else if count >= 2, parts[count - 2] == "blobs", let name = name(dropping: 2) {
            self = .blob(name: name, digest: String(parts[count - 1]))
        } else if count >= 2, parts[count - 2] == "referrers", let name = name(dropping: 2) {
            self = .referrers(name: name, digest: String(parts[count - 1]))
        } else {
            return nil
        }
    }
}
