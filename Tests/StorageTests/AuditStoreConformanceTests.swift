import Storage
import StorageConformance
import Testing

/// The in-repository audit drivers against `AuditStoreConformance`, one test case per check.
@Suite struct AuditStoreConformanceTests {
    @Test(arguments: AuditDriver.allCases.flatMap { driver in driver.audit.allChecks })
    func segmentedFiles(check: ConformanceCheck) async throws {
        try await check.run()
    }
}
