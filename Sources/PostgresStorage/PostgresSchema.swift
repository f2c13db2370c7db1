import Foundation
import PostgresNIO

/// One step of Berth's PostgreSQL schema: statements applied once, in one transaction, and recorded by `id`.
struct PostgresMigration: Sendable {
    /// `<concern>-<n>`, as `metadata-1`: never renamed or changed once released; a change is a new migration.
    let id: String
    let statements: [PostgresQuery]
}

/// Berth's schema, as migrations each store's file declares (`PostgresSchema+Metadata.swift` and its siblings).
enum PostgresSchema {
    /// Every migration, in the order applied. A store adds its own list here; within a list, order is history.
    static var migrations: [PostgresMigration] {
        metadata + configuration + access + layerScans + vulnerabilities + audit + webhooks + coordination + consoleSessions
    }

    /// Applies the migrations not yet recorded, all in one transaction under a transaction-scoped advisory lock: two
    /// replicas starting together migrate once, and a failed migration leaves the schema as it was.
    static func migrate(_ database: PostgresDatabase) async throws {
        try await database.transaction { connection in
            // The lock comes first, since two `CREATE SCHEMA IF NOT EXISTS` at once can fail on each other. It is named
            // from the address, as `current_schema()` names nothing until the schema exists.
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(database.schema + "/berth-migrations")))", logger: database.logger)
            try await connection.query("CREATE SCHEMA IF NOT EXISTS \(unescaped: quoted(database.schema))", logger: database.logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS berth_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                """, logger: database.logger)
            var applied = Set<String>()
            for try await id in try await connection.query("SELECT id FROM berth_migrations", logger: database.logger).decode(String.self) {
                applied.insert(id)
            }
            for migration in migrations where !applied.contains(migration.id) {
                for statement in migration.statements { try await connection.query(statement, logger: database.logger) }
                try await connection.query("INSERT INTO berth_migrations (id) VALUES (\(migration.id))", logger: database.logger)
            }
        }
    }

    /// An identifier for a statement: the schema name, already restricted by `PostgresAddress` to `[a-z_][a-z0-9_]*`.
    static func quoted(_ identifier: String) -> String { "\"\(identifier)\"" }
}
