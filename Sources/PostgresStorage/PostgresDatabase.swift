import Foundation
import Logging
import PostgresNIO

/// The scale-out metadata database: a connection pool to PostgreSQL, Berth's schema migrated before first use.
///
/// Every PostgreSQL store of this module shares one `PostgresDatabase`. The pool runs until ``shutdown()``.
public final class PostgresDatabase: Sendable {
    public let client: PostgresClient
    /// The schema Berth's tables live in (`public` unless the address names another with `?schema=`).
    public let schema: String
    let logger: Logger
    /// What the pool connects with, for the coordination's own connections (leases, notifications).
    let configuration: PostgresClient.Configuration
    private let running: Task<Void, Never>

    /// Connects to `address` (`postgres://USER@HOST:PORT/DATABASE[?schema=NAME&sslmode=disable|prefer|require]`),
    /// then applies every migration of ``PostgresSchema/migrations`` not yet applied, under a lock, so replicas starting
    /// together migrate once. The password comes from `password` (read by the caller from the environment or a file),
    /// never from the address: an address holding one is refused, since addresses appear on command lines.
    public init(address: PostgresAddress, password: String? = nil, maximumConnections: Int = 20, logger: Logger) async throws {
        var configuration = PostgresClient.Configuration(host: address.host, port: address.port, username: address.user,
                                                         password: password, database: address.database, tls: address.tls)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.additionalStartupParameters = [("search_path", address.schema)]
        configuration.options.connectTimeout = .seconds(10)
        self.configuration = configuration
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        schema = address.schema
        self.logger = logger
        // The pool warns about (and waits for) any query made before `run()` began: start it before the migration's.
        let started = AsyncStream<Void>.makeStream()
        running = Task {
            started.continuation.finish()
            await client.run()
        }
        for await _ in started.stream {}
        do {
            try await PostgresSchema.migrate(self)
        } catch {
            running.cancel()
            throw error
        }
    }

    /// Closes every connection; the stores using this database fail from then on.
    public func shutdown() async {
        running.cancel()
        await running.value
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws. What `body` throws reaches
    /// the caller as thrown (a store's own errors, as `MetadataError`), not wrapped in a `PostgresTransactionError`,
    /// when the rollback went through.
    func transaction<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            if let thrown = error.closureError, error.rollbackError == nil { throw thrown }
            throw error
        }
    }

    /// Runs one statement outside any transaction of the caller's.
    @discardableResult
    func query(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        try await client.query(query, logger: logger)
    }
}
