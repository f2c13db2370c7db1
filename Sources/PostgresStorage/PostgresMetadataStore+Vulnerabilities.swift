import Foundation
import PostgresNIO
import Storage

extension PostgresMetadataStore: VulnerabilityDatabaseStore {
    /// Advisories per statement: an OSV export holds tens of thousands, sent as arrays a chunk at a time rather than
    /// one round trip each.
    private static let advisoriesPerStatement = 1000

    public func importAdvisories(_ advisories: [StoredAdvisory], importedAt: Date, countsByEcosystem: [String: Int],
                                 sources: [String]) async throws -> VulnerabilityImport {
        // One statement cannot update a row twice: of an id given twice, the last body stands, as it would one by one.
        var latest: [String: [UInt8]] = [:]
        for advisory in advisories { latest[advisory.id] = advisory.body }
        let distinct = Array(latest)
        let counts = String(decoding: try JSONEncoder().encode(countsByEcosystem), as: UTF8.self)
        let logger = database.logger
        let version = try await database.transaction { connection in
            // Imports take turns, across replicas too, so each takes the version after the last committed one. The lock
            // conflicts with itself and with writes, not with reads.
            try await connection.query("LOCK TABLE vulnerability_imports IN SHARE ROW EXCLUSIVE MODE", logger: logger)
            for start in stride(from: 0, to: distinct.count, by: Self.advisoriesPerStatement) {
                let chunk = distinct[start..<min(distinct.count, start + Self.advisoriesPerStatement)]
                try await connection.query(
                    """
                    INSERT INTO vulnerability_advisories (id, body)
                    SELECT * FROM unnest(\(chunk.map(\.key))::text[], \(chunk.map { ByteBuffer(bytes: $0.value) })::bytea[])
                    ON CONFLICT (id) DO UPDATE SET body = excluded.body
                    """, logger: logger)
            }
            return try await connection.query(
                """
                INSERT INTO vulnerability_imports (version, imported_at, advisories, counts_by_ecosystem, sources)
                SELECT coalesce(max(version), 0) + 1, \(importedAt), \(advisories.count), \(counts)::jsonb, \(sources) FROM vulnerability_imports
                RETURNING version
                """, logger: logger).oneRow(of: "INSERT INTO vulnerability_imports").decode(Int.self)
        }
        return VulnerabilityImport(version: version, importedAt: importedAt, advisories: advisories.count, countsByEcosystem: countsByEcosystem,
                                   sources: sources)
    }

    public func advisories() async throws -> [StoredAdvisory] {
        var advisories: [StoredAdvisory] = []
        for try await (id, body) in try await database.query("SELECT id, body FROM vulnerability_advisories ORDER BY id").decode((String, ByteBuffer).self) {
            advisories.append(StoredAdvisory(id: id, body: Array(body.readableBytesView)))
        }
        return advisories
    }

    public func latestImport() async throws -> VulnerabilityImport? {
        let rows = try await database.query(
            "SELECT version, imported_at, advisories, counts_by_ecosystem::text, sources FROM vulnerability_imports ORDER BY version DESC LIMIT 1")
        guard let (version, importedAt, advisories, counts, sources) = try await rows.collect().first?.decode((Int, Date, Int, String, [String]).self)
        else { return nil }
        return VulnerabilityImport(version: version, importedAt: importedAt, advisories: advisories,
                                   countsByEcosystem: try JSONDecoder().decode([String: Int].self, from: Data(counts.utf8)), sources: sources)
    }
}
