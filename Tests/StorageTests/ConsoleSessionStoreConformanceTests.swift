import Storage
import StorageConformance
import Testing

/// The embedded server's console sessions, in memory, against `ConsoleSessionStoreConformance`.
@Suite struct ConsoleSessionStoreConformanceTests {
    @Test(arguments: ConsoleSessionStoreConformance(makeStore: { _ in MemoryConsoleSessionStore() }).allChecks)
    func memoryStore(check: ConformanceCheck) async throws { try await check.run() }
}
