import Foundation
import PostgresNIO
import Storage

extension PostgresMetadataStore: ConfigurationStore {
    private static let selectObjects: PostgresQuery = "SELECT kind, name, spec FROM configuration_objects ORDER BY kind, name"

    private static func objects(_ rows: PostgresRowSequence) async throws -> [ConfigurationObject] {
        var objects: [ConfigurationObject] = []
        for try await (kind, name, spec) in rows.decode((String, String, String).self) {
            objects.append(ConfigurationObject(kind: kind, name: name, spec: spec))
        }
        return objects
    }

    public func configuration() async throws -> (objects: [ConfigurationObject], fingerprint: String) {
        // One statement reads one snapshot: the objects are one revision's, never a mix of two.
        let objects = try await Self.objects(try await database.query(Self.selectObjects))
        return (objects, ConfigurationObject.fingerprint(of: objects))
    }

    public func apply(_ changes: [ConfigurationChange], expectedFingerprint: String?, source: ConfigurationSource) async throws -> ConfigurationRevision {
        let logger = database.logger
        return try await database.transaction { connection in
            // Applies take turns, across replicas too: the fingerprint checked is still the live one when the changes land.
            // The lock conflicts with itself and with writes, not with reads.
            try await connection.query("LOCK TABLE configuration_revisions IN SHARE ROW EXCLUSIVE MODE", logger: logger)
            let before = ConfigurationObject.fingerprint(of: try await Self.objects(try await connection.query(Self.selectObjects, logger: logger)))
            if let expectedFingerprint, expectedFingerprint != before {
                throw ConfigurationError.stale(expected: expectedFingerprint, actual: before)
            }
            let (revision, appliedAt) = try await connection.query(
                """
                INSERT INTO configuration_revisions (actor, commit_id, author, summary, change_count, fingerprint_before, fingerprint_after, plan)
                VALUES (\(source.actor), \(source.commit), \(source.author), \(source.summary), \(changes.count), \(before), '', \(source.plan))
                RETURNING id, applied_at
                """, logger: logger).oneRow(of: "INSERT INTO configuration_revisions").decode((Int64, Date).self)
            for change in changes {
                switch change {
                case .put(let object):
                    try await connection.query(
                        """
                        INSERT INTO configuration_objects (kind, name, spec, revision) VALUES (\(object.kind), \(object.name), \(object.spec), \(revision))
                        ON CONFLICT (kind, name) DO UPDATE SET spec = excluded.spec, revision = excluded.revision
                        """, logger: logger)
                case .delete(let kind, let name):
                    try await connection.query("DELETE FROM configuration_objects WHERE kind = \(kind) AND name = \(name)", logger: logger)
                }
            }
            let after = ConfigurationObject.fingerprint(of: try await Self.objects(try await connection.query(Self.selectObjects, logger: logger)))
            try await connection.query("UPDATE configuration_revisions SET fingerprint_after = \(after) WHERE id = \(revision)", logger: logger)
            return ConfigurationRevision(id: revision, appliedAt: appliedAt, source: source, changeCount: changes.count,
                                         fingerprintBefore: before, fingerprintAfter: after)
        }
    }

    public func revisions(limit: Int) async throws -> [ConfigurationRevision] {
        let rows = try await database.query(
            """
            SELECT id, applied_at, actor, commit_id, author, summary, change_count, fingerprint_before, fingerprint_after, plan
            FROM configuration_revisions ORDER BY id DESC LIMIT \(limit)
            """)
        var revisions: [ConfigurationRevision] = []
        for try await (id, appliedAt, actor, commit, author, summary, count, before, after, plan)
            in rows.decode((Int64, Date, String, String?, String?, String, Int, String, String, String?).self) {
            revisions.append(ConfigurationRevision(
                id: id, appliedAt: appliedAt, source: ConfigurationSource(actor: actor, commit: commit, author: author, summary: summary, plan: plan),
                changeCount: count, fingerprintBefore: before, fingerprintAfter: after))
        }
        return revisions
    }
}
