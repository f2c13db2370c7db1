import Foundation
import OCI
import PostgresNIO
import Storage

/// The repository list and its overview.
extension PostgresMetadataStore {
    public func repositories(after last: String?, limit: Int?) async throws -> [RepositoryName] {
        // `LIMIT NULL` is no limit.
        try await rows("SELECT name FROM repositories WHERE name > \(last ?? "") ORDER BY name LIMIT \(limit.map(Int64.init))")
            .compactMap { RepositoryName(try $0.decode(String.self)) }
    }

    public func repositorySummaries() async throws -> [RepositorySummary] {
        // Grouped scans of the tag and manifest keys joined to the names, not a subquery per repository: thousands of
        // repositories in one statement (bench/console.sh).
        try await rows("""
            SELECT r.name, coalesce(t.count, 0), coalesce(m.count, 0), m.last
            FROM repositories r
            LEFT JOIN (SELECT repository, count(*) AS count FROM tags GROUP BY repository) t ON t.repository = r.name
            LEFT JOIN (SELECT repository, count(*) AS count, max(pushed_at) AS last FROM manifests GROUP BY repository) m ON m.repository = r.name
            ORDER BY r.name
            """).compactMap { row in
            let (name, tags, manifests, lastPush) = try row.decode((String, Int64, Int64, Date?).self)
            return RepositoryName(name).map { RepositorySummary(name: $0, tags: Int(tags), manifests: Int(manifests), lastPush: lastPush) }
        }
    }
}
