import StorageConformance
import Testing

/// The in-repository drivers against `BlobStoreConformance`, one test per check.
@Suite struct BlobStoreConformanceTests {
    @Test(arguments: BlobDriver.allCases)
    func roundTripsSmallAndLargeBlobs(driver: BlobDriver) async throws {
        try await driver.blobs.roundTripsSmallAndLargeBlobs()
    }

    @Test(arguments: BlobDriver.allCases)
    func readsRanges(driver: BlobDriver) async throws {
        try await driver.blobs.readsRanges()
    }

    @Test(arguments: BlobDriver.allCases)
    func unknownBlobsAreReportedAsMissing(driver: BlobDriver) async throws {
        try await driver.blobs.unknownBlobsAreReportedAsMissing()
    }

    @Test(arguments: BlobDriver.allCases)
    func deletesAndLists(driver: BlobDriver) async throws {
        try await driver.blobs.deletesAndLists()
    }

    @Test(arguments: BlobDriver.allCases)
    func committingTheSameContentTwiceKeepsOneBlob(driver: BlobDriver) async throws {
        try await driver.blobs.committingTheSameContentTwiceKeepsOneBlob()
    }

    @Test(arguments: BlobDriver.allCases)
    func uploadsResumeWhereTheyStopped(driver: BlobDriver) async throws {
        try await driver.blobs.uploadsResumeWhereTheyStopped()
    }

    @Test(arguments: BlobDriver.allCases)
    func streamsWhatItReads(driver: BlobDriver) async throws {
        try await driver.blobs.streamsWhatItReads()
    }
}
