import StorageConformance
import Testing

/// The in-repository drivers against `AccessStoreConformance`, one test per check.
@Suite struct AccessStoreConformanceTests {
    @Test(arguments: MetadataDriver.allCases)
    func robotCredentialsAreReplacedAndRemovedTogether(driver: MetadataDriver) async throws {
        try await driver.access.robotCredentialsAreReplacedAndRemovedTogether()
    }
}
