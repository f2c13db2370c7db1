import Storage
import StorageConformance
import Testing

extension MetadataDriver {
    /// Beside its tests rather than in Drivers.swift; the switch still makes a new driver fail to compile until it is added here.
    var webhookOutbox: WebhookOutboxStoreConformance {
        switch self {
        case .sqlite: WebhookOutboxStoreConformance { try SQLiteMetadataStore(path: $0.appendingPathComponent("metadata.sqlite").path) }
        }
    }
}

/// The in-repository drivers against `WebhookOutboxStoreConformance`, one test per check.
@Suite struct WebhookOutboxStoreConformanceTests {
    @Test(arguments: MetadataDriver.allCases)
    func cursorsAreSavedAndReplacedByWebhook(driver: MetadataDriver) async throws {
        try await driver.webhookOutbox.cursorsAreSavedAndReplacedByWebhook()
    }

    @Test(arguments: MetadataDriver.allCases)
    func removingKeepsOnlyTheNamedWebhooks(driver: MetadataDriver) async throws {
        try await driver.webhookOutbox.removingKeepsOnlyTheNamedWebhooks()
    }

    @Test(arguments: MetadataDriver.allCases)
    func cursorsSurviveReopening(driver: MetadataDriver) async throws {
        try await driver.webhookOutbox.cursorsSurviveReopening()
    }
}
