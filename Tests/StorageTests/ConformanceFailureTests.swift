import Storage
import StorageConformance
import Testing

/// A driver outside the SQLite store's mould: it implements `AccessStore` alone, in memory, and gets one thing
/// wrong, returning security events oldest first.
private actor OldestFirstAccessStore: AccessStore {
    private var credentials: [String: RobotCredential] = [:]
    private var events: [SecurityEvent] = []

    func robotCredentials() -> [RobotCredential] { credentials.values.sorted { $0.robot < $1.robot } }

    func updateRobotCredentials(_ replacements: [RobotCredential], keeping: Set<String>) {
        credentials = credentials.filter { keeping.contains($0.key) }
        for credential in replacements { credentials[credential.robot] = credential }
    }

    func record(_ newEvents: [SecurityEvent]) { events += newEvents }

    func securityEvents(limit: Int) -> [SecurityEvent] { Array(events.prefix(limit)) }
}

/// The suites are only worth running if they fail a driver that breaks the contract, and fail it by name.
///
/// `withKnownIssue` is how swift-testing asserts that a check fails: the test itself fails if the broken check records
/// no issue, or if any issue it records does not name that check. Nothing here is skipped.
@Suite struct ConformanceFailureTests {
    let conformance = AccessStoreConformance { _ in OldestFirstAccessStore() }

    @Test func aDriverOfOneProtocolRunsThatProtocolsSuite() async throws {
        try await conformance.robotCredentialsAreReplacedAndRemovedTogether()
    }

    @Test func aBrokenContractFailsItsCheckByName() async throws {
        try await withKnownIssue("events come back oldest first") {
            try await conformance.securityEventsComeBackNewestFirst()
        } matching: { issue in
            issue.comments.contains("AccessStoreConformance.securityEventsComeBackNewestFirst")
        }
    }

    /// Every other check passes: an issue that does not name the broken check is a real failure here.
    @Test func runningEveryCheckReportsTheBrokenOne() async {
        await withKnownIssue("events come back oldest first") {
            await conformance.run()
        } matching: { issue in
            issue.comments.contains("AccessStoreConformance.securityEventsComeBackNewestFirst")
        }
    }
}
