import Foundation
import Logging
import OCI
import PostgresStorage
import StorageConformance
import Synchronization
import TestSupport
import Testing

/// Every `MetadataStore` contract check against the real PostgreSQL server, each in a schema of its own.
@Suite(.timeLimit(.minutes(2))) struct PostgresMetadataConformanceTests {
    @Test(arguments: MetadataStoreConformance(makeStore: { folder in
        PostgresMetadataStore(database: try await ConformanceDatabases.database(for: folder))
    }).allChecks)
    func metadataStoreConformance(check: ConformanceCheck) async throws {
        try await check.run()
    }
}

/// One pool per conformance folder for the whole test process: a check that reopens its store (calls the factory
/// again with the same folder) gets the same schema, through the same pool, instead of piling up connections.
enum ConformanceDatabases {
    private static let databases = Mutex<[String: Task<PostgresDatabase, any Error>]>([:])

    static func database(for folder: URL) async throws -> PostgresDatabase {
        let schema = schemaName(for: folder)
        let task = databases.withLock { databases in
            if let task = databases[schema] { return task }
            let task = Task {
                let server = try await RealServers.postgres()
                let address = try PostgresAddress(server.url + "?sslmode=disable&schema=\(schema)")
                return try await PostgresDatabase(address: address, maximumConnections: 4, logger: Logger(label: "test"))
            }
            databases[schema] = task
            return task
        }
        return try await task.value
    }

    /// A stable identifier for the folder: `[a-z_][a-z0-9_]*`, well under PostgreSQL's 63 characters.
    static func schemaName(for folder: URL) -> String {
        "metadata_" + Digest.compute(Array(folder.standardizedFileURL.path.utf8)).hex.prefix(40)
    }
}
