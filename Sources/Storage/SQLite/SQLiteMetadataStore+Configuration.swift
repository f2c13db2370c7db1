import Foundation

extension SQLiteMetadataStore: ConfigurationStore {
    static let configurationSchema = """
        CREATE TABLE IF NOT EXISTS configuration_objects (
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            spec TEXT NOT NULL,
            revision INTEGER NOT NULL,
            PRIMARY KEY (kind, name)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS configuration_revisions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            applied_at REAL NOT NULL,
            actor TEXT NOT NULL,
            commit_id TEXT,
            author TEXT,
            summary TEXT NOT NULL,
            change_count INTEGER NOT NULL,
            fingerprint_before TEXT NOT NULL,
            fingerprint_after TEXT NOT NULL
        );
        """

    private static func loadObjects(_ connection: SQLiteConnection) throws -> [ConfigurationObject] {
        try connection.query("SELECT kind, name, spec FROM configuration_objects ORDER BY kind, name").compactMap { row in
            guard let kind = row[0].string, let name = row[1].string, let spec = row[2].string else { return nil }
            return ConfigurationObject(kind: kind, name: name, spec: spec)
        }
    }

    public func configuration() async throws -> (objects: [ConfigurationObject], fingerprint: String) {
        let objects = try await read { try Self.loadObjects($0) }
        return (objects, ConfigurationObject.fingerprint(of: objects))
    }

    public func apply(_ changes: [ConfigurationChange], expectedFingerprint: String?, source: ConfigurationSource) async throws -> ConfigurationRevision {
        try await write { connection in
            let before = ConfigurationObject.fingerprint(of: try Self.loadObjects(connection))
            if let expectedFingerprint, expectedFingerprint != before {
                throw ConfigurationError.stale(expected: expectedFingerprint, actual: before)
            }
            let appliedAt = Date()
            try connection.query(
                "INSERT INTO configuration_revisions (applied_at, actor, commit_id, author, summary, change_count, fingerprint_before, fingerprint_after, plan) VALUES (?, ?, ?, ?, ?, ?, ?, '', ?)",
                [.real(appliedAt.timeIntervalSince1970), .text(source.actor), source.commit.map { .text($0) } ?? .null,
                 source.author.map { .text($0) } ?? .null, .text(source.summary), .integer(Int64(changes.count)), .text(before),
                 source.plan.map { .text($0) } ?? .null])
            let revision = connection.lastInsertedRow
            for change in changes {
                switch change {
                case .put(let object):
                    try connection.query(
                        "INSERT INTO configuration_objects (kind, name, spec, revision) VALUES (?, ?, ?, ?) ON CONFLICT (kind, name) DO UPDATE SET spec = excluded.spec, revision = excluded.revision",
                        [.text(object.kind), .text(object.name), .text(object.spec), .integer(revision)])
                case .delete(let kind, let name):
                    try connection.query("DELETE FROM configuration_objects WHERE kind = ? AND name = ?", [.text(kind), .text(name)])
                }
            }
            let after = ConfigurationObject.fingerprint(of: try Self.loadObjects(connection))
            try connection.query("UPDATE configuration_revisions SET fingerprint_after = ? WHERE id = ?", [.text(after), .integer(revision)])
            return ConfigurationRevision(id: revision, appliedAt: appliedAt, source: source, changeCount: changes.count,
                                         fingerprintBefore: before, fingerprintAfter: after)
        }
    }

    /// Adds `plan` to a revisions table created before plans were kept with revisions.
    static func prepareRevisionPlans(_ connection: SQLiteConnection) throws {
        let columns = try connection.query("PRAGMA table_info(configuration_revisions)").compactMap { $0[1].string }
        if !columns.contains("plan") { try connection.execute("ALTER TABLE configuration_revisions ADD COLUMN plan TEXT") }
    }

    public func revisions(limit: Int) async throws -> [ConfigurationRevision] {
        try await read { connection in
            try connection.query(
                "SELECT id, applied_at, actor, commit_id, author, summary, change_count, fingerprint_before, fingerprint_after, plan FROM configuration_revisions ORDER BY id DESC LIMIT ?",
                [.integer(Int64(limit))]
            ).compactMap { row in
                guard let id = row[0].int, let appliedAt = row[1].double, let actor = row[2].string, let summary = row[5].string,
                      let count = row[6].int, let before = row[7].string, let after = row[8].string else { return nil }
                return ConfigurationRevision(
                    id: id, appliedAt: Date(timeIntervalSince1970: appliedAt),
                    source: ConfigurationSource(actor: actor, commit: row[3].string, author: row[4].string, summary: summary, plan: row[9].string),
                    changeCount: Int(count), fingerprintBefore: before, fingerprintAfter: after)
            }
        }
    }
}
