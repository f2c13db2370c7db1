import Foundation
import PostgresStorage
import StorageConformance
import Testing

/// The conformance suites of the stores this module drives besides `MetadataStore`, each check in a schema of its own on
/// the real PostgreSQL server.
@Suite(.timeLimit(.minutes(5))) struct PostgresStoreConformanceTests {
    private static func metadataStore(_ folder: URL) async throws -> PostgresMetadataStore {
        PostgresMetadataStore(database: try await PostgresTestSchemas.database(for: folder))
    }

    @Test(arguments: ConfigurationStoreConformance(makeStore: { try await metadataStore($0) }).allChecks)
    func configurationStore(check: ConformanceCheck) async throws { try await check.run() }

    @Test(arguments: AccessStoreConformance(makeStore: { try await metadataStore($0) }).allChecks)
    func accessStore(check: ConformanceCheck) async throws { try await check.run() }

    @Test(arguments: LayerScanStoreConformance(makeStore: { try await metadataStore($0) }).allChecks)
    func layerScanStore(check: ConformanceCheck) async throws { try await check.run() }

    @Test(arguments: VulnerabilityDatabaseStoreConformance(makeStore: { try await metadataStore($0) }).allChecks)
    func vulnerabilityDatabaseStore(check: ConformanceCheck) async throws { try await check.run() }

    @Test(arguments: WebhookOutboxStoreConformance(makeStore: { try await metadataStore($0) }).allChecks)
    func webhookOutboxStore(check: ConformanceCheck) async throws { try await check.run() }

    @Test(arguments: ConsoleSessionStoreConformance(makeStore: { try await metadataStore($0) }).allChecks)
    func consoleSessionStore(check: ConformanceCheck) async throws { try await check.run() }

    @Test(arguments: AuditStoreConformance(openStore: { PostgresAuditStore(database: try await PostgresTestSchemas.database(for: $0)) }).allChecks)
    func auditStore(check: ConformanceCheck) async throws { try await check.run() }
}
