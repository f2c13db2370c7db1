import AuditRecords
import Foundation
import Storage
import TestSupport
import Testing
import Webhooks

/// A dispatcher stopped with records undelivered, then a new one over the same SQLite outbox (as after a restart).
@Suite struct WebhookRestartTests {
    @Test func aNewDispatcherDeliversWhatTheStoppedOneDidNot() async throws {
        try await withTemporaryDirectory { directory in
            try await withReceiver { url, receiver in
                let log = MemoryAuditLog()
                let target = WebhookTarget(name: "ci", url: url, secret: Array("secret".utf8))
                // The first record goes through; then the receiver fails until the restart.
                await receiver.answer([.ok], then: .serviceUnavailable)
                let before = WebhookDispatcher(records: log, outbox: try openStore(in: directory), options: fastOptions, logger: quietLogger)
                try await before.configure([target])
                for n in 1...4 { await log.append(.push("team/app", "\(n)")) }
                try await whileRunning(before) {
                    #expect(await eventually { (await before.status().first?.failures ?? 0) >= 2 })
                }
                #expect(await receiver.accepted.map { sequence(of: $0) } == [1])

                await receiver.answer(then: .ok)
                await log.append(.push("team/app", "5"))
                let outbox = try openStore(in: directory)
                let stored = try #require(try await outbox.webhookCursors().first)
                #expect(stored.delivered == 1)
                #expect(stored.failures >= 2)
                #expect(stored.lastError == "HTTP 503")
                let after = WebhookDispatcher(records: log, outbox: outbox, options: fastOptions, logger: quietLogger)
                try await after.configure([target])
                #expect(await after.status().first?.delivered == 1, "resumed from the stored cursor, not the head")
                try await whileRunning(after) {
                    #expect(await eventually { await after.status().first?.delivered == 5 })
                }
                #expect(await receiver.accepted.map { sequence(of: $0) } == [1, 2, 3, 4, 5], "each once: the delivered one is not sent again")
                #expect(try await outbox.webhookCursors().map(\.delivered) == [5])
            }
        }
    }

    @Test func aWebhookRemovedWhileStoppedLosesItsCursorAtTheNextStart() async throws {
        try await withTemporaryDirectory { directory in
            let log = MemoryAuditLog()
            let outbox = try openStore(in: directory)
            let dispatcher = WebhookDispatcher(records: log, outbox: outbox, options: fastOptions, logger: quietLogger)
            let url = URL(string: "http://127.0.0.1:9/")!
            try await dispatcher.configure([WebhookTarget(name: "kept", url: url, secret: []), WebhookTarget(name: "dropped", url: url, secret: [])])
            let restarted = WebhookDispatcher(records: log, outbox: try openStore(in: directory), options: fastOptions, logger: quietLogger)
            try await restarted.configure([WebhookTarget(name: "kept", url: url, secret: [])])
            #expect(try await outbox.webhookCursors().map(\.webhook) == ["kept"])
        }
    }
}
