import Logging
import OCI
import PostgresNIO
import Storage

/// A transaction's connection with the logger its statements need.
struct MetadataTransaction {
    let connection: PostgresConnection
    let logger: Logger

    /// Every row of the statement, read to the end: the connection runs its next statement only once they are.
    @discardableResult
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await connection.query(query, logger: logger).collect()
    }

    func exists(_ query: PostgresQuery) async throws -> Bool {
        try await !rows(query).isEmpty
    }
}

extension PostgresMetadataStore: MetadataStore {
    /// How often a transaction runs before a deadlock or serialization failure reaches the caller.
    private static let attempts = 5

    /// Runs `body` in one read-committed transaction, again when PostgreSQL aborted it as a deadlock's victim (40P01)
    /// or for a serialization failure (40001). The locking below keeps deadlocks out of the common paths (every
    /// transaction takes at most one repository lock, or several in name order); what remains, like a retention pass
    /// and a batch of pull times updating the same manifests in different orders, is retried here. `body` must
    /// therefore be safe to run more than once.
    func write<Result: Sendable>(_ body: (MetadataTransaction) async throws -> Result) async throws -> Result {
        var attempt = 1
        while true {
            do {
                return try await database.transaction { connection in
                    try await body(MetadataTransaction(connection: connection, logger: database.logger))
                }
            } catch let error as PSQLError where attempt < Self.attempts && ["40001", "40P01"].contains(error.serverInfo?[.sqlState]) {
                attempt += 1
            }
        }
    }

    /// Runs `body` in a read-only transaction that sees one snapshot: reads spanning several statements (contents,
    /// summaries, the inventory) stay consistent while other replicas write. Read-only snapshots never fail to serialize.
    func snapshot<Result: Sendable>(_ body: (MetadataTransaction) async throws -> Result) async throws -> Result {
        try await database.transaction { connection in
            let transaction = MetadataTransaction(connection: connection, logger: database.logger)
            try await transaction.rows("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return try await body(transaction)
        }
    }

    /// Runs one statement on its own and reads its rows.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await database.query(query).collect()
    }
}
