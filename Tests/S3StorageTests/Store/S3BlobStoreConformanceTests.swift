import StorageConformance
import Testing

/// Every `BlobStoreConformance` check against SeaweedFS.
@Suite(.timeLimit(.minutes(5))) struct S3BlobStoreConformanceTests {
    @Test(arguments: BlobStoreConformance(makeStore: { try await SeaweedFS.store(in: $0) }).allChecks)
    func conformance(check: ConformanceCheck) async throws {
        try await check.run()
    }
}
