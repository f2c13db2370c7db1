import Foundation
import Storage
import TestSupport
import Testing

/// The contract every `WebhookOutboxStore` must honour, as checks any driver can run against itself.
///
/// `makeStore` is called with a new empty folder for each check, and again with the same folder where a check reopens
/// the store (as after a restart); the store it returns must then see what the first one saved.
public struct WebhookOutboxStoreConformance: Sendable {
    public typealias MakeStore = @Sendable (URL) async throws -> any WebhookOutboxStore

    private let makeStore: MakeStore

    public init(makeStore: @escaping MakeStore) { self.makeStore = makeStore }

    public var allChecks: [ConformanceCheck] {
        [
            ConformanceCheck("cursorsAreSavedAndReplacedByWebhook", cursorsAreSavedAndReplacedByWebhook),
            ConformanceCheck("removingKeepsOnlyTheNamedWebhooks", removingKeepsOnlyTheNamedWebhooks),
            ConformanceCheck("cursorsSurviveReopening", cursorsSurviveReopening),
        ]
    }

    /// Runs every check; each failure is recorded as an issue of the running test, naming its check.
    public func run() async { await allChecks.run() }

    private static func failing(_ webhook: String) -> WebhookCursor {
        WebhookCursor(webhook: webhook, delivered: 41, failures: 3, lastError: "HTTP 503",
                      lastAttempt: Date(timeIntervalSince1970: 1_800_000_100.5), lastDelivered: Date(timeIntervalSince1970: 1_800_000_000.25))
    }

    public func cursorsAreSavedAndReplacedByWebhook() async throws {
        let check: Comment = "WebhookOutboxStoreConformance.cursorsAreSavedAndReplacedByWebhook"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            #expect(try await store.webhookCursors().isEmpty, check)
            let fresh = WebhookCursor(webhook: "slack", delivered: 0)
            let failing = Self.failing("ci")
            try await store.saveWebhookCursor(fresh)
            try await store.saveWebhookCursor(failing)
            #expect(try await store.webhookCursors() == [failing, fresh], "\(check.rawValue): every field as saved, in name order")

            let recovered = WebhookCursor(webhook: "ci", delivered: 42, failures: 0, lastError: nil,
                                          lastAttempt: Date(timeIntervalSince1970: 1_800_000_200), lastDelivered: Date(timeIntervalSince1970: 1_800_000_200))
            try await store.saveWebhookCursor(recovered)
            #expect(try await store.webhookCursors() == [recovered, fresh], "\(check.rawValue): the later save replaced ci's, error cleared")

            let far = WebhookCursor(webhook: "far", delivered: UInt64.max)
            try await store.saveWebhookCursor(far)
            #expect(try await store.webhookCursors().first { $0.webhook == "far" } == far, "\(check.rawValue): any UInt64 sequence")
        }
    }

    public func removingKeepsOnlyTheNamedWebhooks() async throws {
        let check: Comment = "WebhookOutboxStoreConformance.removingKeepsOnlyTheNamedWebhooks"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            for name in ["a", "b", "c"] { try await store.saveWebhookCursor(Self.failing(name)) }
            try await store.removeWebhookCursors(keeping: ["b", "not-stored"])
            #expect(try await store.webhookCursors() == [Self.failing("b")], check)
            try await store.removeWebhookCursors(keeping: [])
            #expect(try await store.webhookCursors().isEmpty, check)
        }
    }

    public func cursorsSurviveReopening() async throws {
        let check: Comment = "WebhookOutboxStoreConformance.cursorsSurviveReopening"
        try await withTemporaryDirectory { directory in
            try await makeStore(directory).saveWebhookCursor(Self.failing("ci"))
            #expect(try await makeStore(directory).webhookCursors() == [Self.failing("ci")], check)
        }
    }
}
