import PostgresStorage
import StorageConformance
import Testing

/// Every `MetadataStore` contract check against the real PostgreSQL server, each in a schema of its own.
@Suite(.timeLimit(.minutes(5))) struct PostgresMetadataConformanceTests {
    @Test(arguments: MetadataStoreConformance(makeStore: { folder in
        PostgresMetadataStore(database: try await PostgresTestSchemas.database(for: folder))
    }).allChecks)
    func metadataStoreConformance(check: ConformanceCheck) async throws {
        try await check.run()
    }
}
