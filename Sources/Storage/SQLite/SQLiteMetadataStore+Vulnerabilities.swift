import Foundation

extension SQLiteMetadataStore: VulnerabilityDatabaseStore {
    static let vulnerabilitySchema = """
        CREATE TABLE IF NOT EXISTS vulnerability_advisories (
            id TEXT PRIMARY KEY,
            body BLOB NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS vulnerability_imports (
            version INTEGER PRIMARY KEY,
            imported_at REAL NOT NULL,
            summary BLOB NOT NULL
        );
        """

    /// The part of an import not in its own columns, as JSON.
    private struct ImportSummary: Codable {
        var advisories: Int
        var countsByEcosystem: [String: Int]
        var sources: [String]
    }

    public func importAdvisories(_ advisories: [StoredAdvisory], importedAt: Date, countsByEcosystem: [String: Int],
                                 sources: [String]) async throws -> VulnerabilityImport {
        let summary = try JSONEncoder().encode(ImportSummary(advisories: advisories.count, countsByEcosystem: countsByEcosystem, sources: sources))
        return try await writer.submit { connection in
            for advisory in advisories {
                try connection.query("INSERT OR REPLACE INTO vulnerability_advisories (id, body) VALUES (?, ?)",
                                     [.text(advisory.id), .blob(advisory.body)])
            }
            let last = try connection.query("SELECT MAX(version) FROM vulnerability_imports").first?[0].int ?? 0
            try connection.query("INSERT INTO vulnerability_imports (version, imported_at, summary) VALUES (?, ?, ?)",
                                 [.integer(last + 1), .real(importedAt.timeIntervalSince1970), .blob(Array(summary))])
            return VulnerabilityImport(version: Int(last + 1), importedAt: importedAt, advisories: advisories.count,
                                       countsByEcosystem: countsByEcosystem, sources: sources)
        }
    }

    public func advisories() async throws -> [StoredAdvisory] {
        try await read { connection in
            try connection.query("SELECT id, body FROM vulnerability_advisories ORDER BY id").compactMap { row in
                guard let id = row[0].string, let body = row[1].bytes else { return nil }
                return StoredAdvisory(id: id, body: body)
            }
        }
    }

    public func latestImport() async throws -> VulnerabilityImport? {
        try await read { connection in
            guard let row = try connection.query("SELECT version, imported_at, summary FROM vulnerability_imports ORDER BY version DESC LIMIT 1").first,
                  let version = row[0].int, let importedAt = row[1].double, let body = row[2].bytes else { return nil }
            let summary = try JSONDecoder().decode(ImportSummary.self, from: Data(body))
            return VulnerabilityImport(version: Int(version), importedAt: Date(timeIntervalSince1970: importedAt), advisories: summary.advisories,
                                       countsByEcosystem: summary.countsByEcosystem, sources: summary.sources)
        }
    }
}
