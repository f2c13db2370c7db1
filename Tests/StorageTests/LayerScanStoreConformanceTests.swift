import StorageConformance
import Testing

/// The in-repository drivers against `LayerScanStoreConformance`, one test per check.
@Suite struct LayerScanStoreConformanceTests {
    @Test(arguments: MetadataDriver.allCases)
    func scansAreKeptPerLayerAndScanner(driver: MetadataDriver) async throws {
        try await driver.layerScans.scansAreKeptPerLayerAndScanner()
    }

    @Test(arguments: MetadataDriver.allCases)
    func aRescanReplacesTheEarlierScan(driver: MetadataDriver) async throws {
        try await driver.layerScans.aRescanReplacesTheEarlierScan()
    }
}
