import StorageConformance
import Testing

/// The in-repository drivers against `MetadataStoreConformance`, one test per check.
@Suite struct MetadataStoreConformanceTests {
    @Test(arguments: MetadataDriver.allCases)
    func linksAndUnlinksBlobs(driver: MetadataDriver) async throws {
        try await driver.metadata.linksAndUnlinksBlobs()
    }

    @Test(arguments: MetadataDriver.allCases)
    func refusesManifestsWithMissingReferencesAndStoresNothing(driver: MetadataDriver) async throws {
        try await driver.metadata.refusesManifestsWithMissingReferencesAndStoresNothing()
    }

    @Test(arguments: MetadataDriver.allCases)
    func tagsAreSortedPagedMovedAndDeleted(driver: MetadataDriver) async throws {
        try await driver.metadata.tagsAreSortedPagedMovedAndDeleted()
    }

    @Test(arguments: MetadataDriver.allCases)
    func listsTheTagsPointingAtAManifest(driver: MetadataDriver) async throws {
        try await driver.metadata.listsTheTagsPointingAtAManifest()
    }

    @Test(arguments: MetadataDriver.allCases)
    func fixedTagsAreCreatedButNeverMoved(driver: MetadataDriver) async throws {
        try await driver.metadata.fixedTagsAreCreatedButNeverMoved()
    }

    @Test(arguments: MetadataDriver.allCases)
    func listsReferrersOfASubject(driver: MetadataDriver) async throws {
        try await driver.metadata.listsReferrersOfASubject()
    }

    @Test(arguments: MetadataDriver.allCases)
    func listsRepositoriesInOrder(driver: MetadataDriver) async throws {
        try await driver.metadata.listsRepositoriesInOrder()
    }

    @Test(arguments: MetadataDriver.allCases)
    func summarisesEveryRepository(driver: MetadataDriver) async throws {
        try await driver.metadata.summarisesEveryRepository()
    }

    @Test(arguments: MetadataDriver.allCases)
    func uploadSessionsCompleteIntoLinks(driver: MetadataDriver) async throws {
        try await driver.metadata.uploadSessionsCompleteIntoLinks()
    }

    @Test(arguments: MetadataDriver.allCases)
    func concurrentWritesAllLandAndFailuresStayIsolated(driver: MetadataDriver) async throws {
        try await driver.metadata.concurrentWritesAllLandAndFailuresStayIsolated()
    }

    @Test(arguments: MetadataDriver.allCases)
    func survivesReopening(driver: MetadataDriver) async throws {
        try await driver.metadata.survivesReopening()
    }

    @Test(arguments: MetadataDriver.allCases)
    func listsTheManifestsOfARepository(driver: MetadataDriver) async throws {
        try await driver.metadata.listsTheManifestsOfARepository()
    }

    @Test(arguments: MetadataDriver.allCases)
    func accountsUsageAndEnforcesTheQuotaAtomically(driver: MetadataDriver) async throws {
        try await driver.metadata.accountsUsageAndEnforcesTheQuotaAtomically()
    }

    @Test(arguments: MetadataDriver.allCases)
    func describesContentsWithPushAndPullTimes(driver: MetadataDriver) async throws {
        try await driver.metadata.describesContentsWithPushAndPullTimes()
    }

    @Test(arguments: MetadataDriver.allCases)
    func retentionDeletesOnlyWhatIsStillAsPlanned(driver: MetadataDriver) async throws {
        try await driver.metadata.retentionDeletesOnlyWhatIsStillAsPlanned()
    }

    @Test(arguments: MetadataDriver.allCases)
    func garbageCollectionUnlinksAfterTheGraceAndMarksRefuseLinks(driver: MetadataDriver) async throws {
        try await driver.metadata.garbageCollectionUnlinksAfterTheGraceAndMarksRefuseLinks()
    }
}
