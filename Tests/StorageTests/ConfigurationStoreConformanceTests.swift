import StorageConformance
import Testing

/// The in-repository drivers against `ConfigurationStoreConformance`, one test per check.
@Suite struct ConfigurationStoreConformanceTests {
    @Test(arguments: MetadataDriver.allCases)
    func appliesChangeSetsAndRecordsRevisions(driver: MetadataDriver) async throws {
        try await driver.configuration.appliesChangeSetsAndRecordsRevisions()
    }

    @Test(arguments: MetadataDriver.allCases)
    func refusesAStaleChangeSetAndChangesNothing(driver: MetadataDriver) async throws {
        try await driver.configuration.refusesAStaleChangeSetAndChangesNothing()
    }
}
