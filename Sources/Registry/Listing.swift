import HTTPTypes
import Hummingbird
import OCI

extension Registry {
    static let defaultCatalogPage = 1000

    func catalog(_ request: Request, caller: RegistryCaller) async throws -> Response {
        let (limit, last) = try pagination(request)
        let pageSize = limit ?? Self.defaultCatalogPage
        let names = pageSize == 0 ? [] : try await visibleRepositories(to: caller, after: last, count: pageSize + 1)
        let page = Array(names.prefix(pageSize))
        var headers: HTTPFields = [:]
        if names.count > pageSize, let final = page.last {
            headers[.link] = "</v2/_catalog?n=\(pageSize)&last=\(final.value)>; rel=\"next\""
        }
        struct Catalog: Encodable { let repositories: [String] }
        return try Self.json(Catalog(repositories: page.map(\.value)), headers: headers)
    }

    /// Up to `count` repository names after `last` that the caller may pull, read in batches so that a
    /// caller who sees few repositories still gets full pages.
    private func visibleRepositories(to caller: RegistryCaller, after last: String?, count: Int) async throws -> [RepositoryName] {
        var visible: [RepositoryName] = []
        var cursor = last
        let batch = max(count, 500)
        while visible.count < count {
            let names = try await metadata.repositories(after: cursor, limit: batch)
            visible += names.lazy.filter { caller.mayPull($0) }.prefix(count - visible.count)
            guard names.count == batch, let final = names.last else { break }
            cursor = final.value
        }
        return visible
    }

    func tags(_ request: Request, name repository: RepositoryName) async throws -> Response {
        let (limit, last) = try pagination(request)
        guard let tags = try await metadata.tags(repository: repository, after: last, limit: limit.map { $0 + 1 }) else {
            throw RegistryError.nameUnknown(repository)
        }
        var page = tags
        var headers: HTTPFields = [:]
        if let limit {
            page = Array(tags.prefix(limit))
            if tags.count > limit, let final = page.last {
                headers[.link] = "</v2/\(repository)/tags/list?n=\(limit)&last=\(final)>; rel=\"next\""
            }
        }
        struct TagList: Encodable {
            let name: String
            let tags: [String]
        }
        return try Self.json(TagList(name: repository.value, tags: page), headers: headers)
    }

    private func pagination(_ request: Request) throws(RegistryError) -> (limit: Int?, last: String?) {
        let query = request.uri.queryParameters
        var limit: Int?
        if let n = query["n"] {
            guard let value = Int(n), value >= 0 else {
                throw RegistryError(.paginationNumberInvalid, status: .badRequest, "invalid page size 'n'; expected a non-negative integer", detail: String(n))
            }
            limit = min(value, 10_000)
        }
        return (limit, query["last"].map(String.init))
    }
}
