import AuditRecords
import Crypto
import Foundation
import MetricsTestKit
import Storage
import TestSupport
import Testing
import Webhooks

/// The dispatcher against a real receiver on loopback, over a real SQLite outbox.
@Suite struct WebhookDeliveryTests {
    private static let secret = Array("a shared secret".utf8)

    /// Computed here with swift-crypto, not with `WebhookSignature`, so a wrong signature cannot pass by agreeing with itself.
    private static func signature(of body: [UInt8]) -> String {
        "sha256=" + HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret)).map { String(format: "%02x", $0) }.joined()
    }

    @Test func deliversEachNewRecordAsASignedCloudEventInOrder() async throws {
        try await withTemporaryDirectory { directory in
            try await withReceiver { url, receiver in
                let log = MemoryAuditLog()
                await log.append(.push("team/app", "0.9"))
                let dispatcher = WebhookDispatcher(records: log, outbox: try openStore(in: directory), options: fastOptions, logger: quietLogger)
                try await dispatcher.configure([WebhookTarget(name: "ci", url: url, secret: Self.secret)])
                let digest = "sha256:" + String(repeating: "0f", count: 32)
                let records = [
                    await log.append(.push("team/app", "1.0")),
                    await log.append(.push("team/app", digest)),
                    await log.append(AuditEvent(actor: "admin", action: .robotTokenMint, object: "payments-ci")),
                ]
                try await whileRunning(dispatcher) {
                    #expect(await eventually { await receiver.accepted.count >= 3 })
                }
                let requests = await receiver.requests
                #expect(requests.map { sequence(of: $0.body) } == [2, 3, 4], "the record before the webhook was added is not replayed")
                for (request, record) in zip(requests, records) {
                    let line = AuditLine(record)
                    #expect(request.headers["content-type"] == "application/cloudevents+json; charset=utf-8")
                    #expect(request.headers["user-agent"] == "berth")
                    #expect(request.headers["x-berth-signature"] == Self.signature(of: request.body))
                    #expect(request.headers["x-berth-delivery"] == line.hash.description)
                    let event = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
                    #expect(event["specversion"] as? String == "1.0")
                    #expect(event["id"] as? String == line.hash.description)
                    #expect(event["source"] as? String == "https://registry.example.com")
                    #expect(event["type"] as? String == "dev.berth." + record.event.action.rawValue)
                    #expect(event["time"] as? String == AuditTime.string(record.event.time))
                    #expect(event["datacontenttype"] as? String == "application/json")
                    #expect(Array(request.body.suffix(line.bytes.count + 1)) == line.bytes + [UInt8(ascii: "}")], "data is the canonical line")
                }
                #expect(requests.map { (try? JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any])?["subject"] as? String }
                    == ["team/app:1.0", "team/app@\(digest)", "payments-ci"])
            }
        }
    }

    @Test func skipsRecordsTheFilterDoesNotMatch() async throws {
        try await withTemporaryDirectory { directory in
            try await withReceiver { url, receiver in
                let log = MemoryAuditLog()
                let outbox = try openStore(in: directory)
                let dispatcher = WebhookDispatcher(records: log, outbox: outbox, options: fastOptions, logger: quietLogger)
                try await dispatcher.configure([WebhookTarget(name: "pushes", url: url, secret: Self.secret) { $0.event.action == .manifestPush }])
                for event in [AuditEvent.push("a", "1"), .pull("a"), .pull("a"), .push("b", "2"), .pull("b")] { await log.append(event) }
                try await whileRunning(dispatcher) {
                    #expect(await eventually { await dispatcher.status().first?.delivered == 5 }, "the cursor passes the skipped records")
                }
                #expect(await receiver.requests.map { sequence(of: $0.body) } == [1, 4])
                #expect(try await outbox.webhookCursors().map(\.delivered) == [5])
            }
        }
    }

    @Test func retriesUntilTheReceiverRecoversAndKeepsTheOrder() async throws {
        try await withTemporaryDirectory { directory in
            try await withReceiver { url, receiver in
                await receiver.answer(then: .serviceUnavailable)
                let log = MemoryAuditLog()
                let metrics = TestMetrics()
                let dispatcher = WebhookDispatcher(records: log, outbox: try openStore(in: directory), options: fastOptions, metrics: metrics,
                                                   logger: quietLogger)
                try await dispatcher.configure([WebhookTarget(name: "flaky", url: url, secret: Self.secret)])
                for n in 1...5 { await log.append(.push("team/app", "\(n)")) }
                try await whileRunning(dispatcher) {
                    #expect(await eventually { (await dispatcher.status().first?.failures ?? 0) >= 3 })
                    let failing = try #require(await dispatcher.status().first)
                    #expect(failing.lastError == "HTTP 503")
                    #expect(failing.delivered == 0)
                    #expect(failing.lastAttempt != nil)
                    #expect(failing.nextAttempt != nil)
                    await receiver.answer([.internalServerError, .tooManyRequests, .badGateway], then: .ok)
                    #expect(await eventually { await dispatcher.status().first?.delivered == 5 })
                }
                let requests = await receiver.requests
                let sequences = requests.compactMap { sequence(of: $0.body) }
                #expect(sequences == sequences.sorted(), "a record is retried until delivered before the next is sent")
                #expect(await receiver.accepted.map { sequence(of: $0) } == [1, 2, 3, 4, 5])
                let status = try #require(await dispatcher.status().first)
                #expect(status.failures == 0)
                #expect(status.lastError == nil)
                #expect(status.nextAttempt == nil)
                #expect(status.lastDelivered != nil)
                #expect(try metrics.expectCounter("berth_webhook_deliveries_total", [("webhook", "flaky"), ("outcome", "delivered")]).totalValue == 5)
                #expect(try metrics.expectCounter("berth_webhook_deliveries_total", [("webhook", "flaky"), ("outcome", "failed")]).totalValue
                    == Int64(requests.count - 5))
                #expect(try metrics.expectGauge("berth_webhook_backlog", [("webhook", "flaky")]).lastValue == 0)
            }
        }
    }

    @Test func aTimeoutIsAFailure() async throws {
        try await withTemporaryDirectory { directory in
            try await withReceiver { url, receiver in
                await receiver.answer(then: .ok, after: .milliseconds(500))
                let log = MemoryAuditLog()
                let dispatcher = WebhookDispatcher(records: log, outbox: try openStore(in: directory), options: fastOptions, logger: quietLogger)
                try await dispatcher.configure([WebhookTarget(name: "slow", url: url, secret: Self.secret, timeout: .milliseconds(100))])
                await log.append(.push("team/app", "1"))
                try await whileRunning(dispatcher) {
                    #expect(await eventually { await dispatcher.status().first?.lastError != nil })
                }
                #expect(await dispatcher.status().first?.lastError == "timed out after 0.1 seconds")
                #expect(await dispatcher.status().first?.delivered == 0)
            }
        }
    }

    @Test func anAppendWakesTheTargetsBeforeTheNextPoll() async throws {
        try await withTemporaryDirectory { directory in
            try await withReceiver { url, receiver in
                let log = MemoryAuditLog()
                let metrics = TestMetrics()
                var options = fastOptions
                options.pollInterval = .seconds(60)
                let dispatcher = WebhookDispatcher(records: log, outbox: try openStore(in: directory), options: options, metrics: metrics,
                                                   logger: quietLogger)
                try await dispatcher.configure([WebhookTarget(name: "ci", url: url, secret: Self.secret)])
                try await whileRunning(dispatcher) {
                    // The first read found nothing: the target now waits out its poll.
                    #expect(await eventually { (try? metrics.expectGauge("berth_webhook_backlog", [("webhook", "ci")]).lastValue) == 0 })
                    await log.append(.push("team/app", "1"))
                    dispatcher.recordsAppended()
                    // Well inside the 60 s poll: the append woke the target.
                    #expect(await eventually(within: .seconds(30)) { await receiver.accepted.count == 1 })
                }
            }
        }
    }

    @Test func reconfiguringAddsChangesAndRemovesTargets() async throws {
        try await withTemporaryDirectory { directory in
            try await withReceiver { firstURL, first in
                try await withReceiver { secondURL, second in
                    let log = MemoryAuditLog()
                    let outbox = try openStore(in: directory)
                    let dispatcher = WebhookDispatcher(records: log, outbox: outbox, options: fastOptions, logger: quietLogger)
                    try await whileRunning(dispatcher) {
                        try await dispatcher.configure([WebhookTarget(name: "moving", url: firstURL, secret: Self.secret)])
                        await log.append(.push("team/app", "1"))
                        await log.append(.push("team/app", "2"))
                        #expect(await eventually { await first.accepted.count == 2 })

                        try await dispatcher.configure([WebhookTarget(name: "moving", url: secondURL, secret: Self.secret),
                                                        WebhookTarget(name: "added", url: secondURL, secret: Self.secret)])
                        await log.append(.push("team/app", "3"))
                        #expect(await eventually { await second.accepted.count == 2 })
                        #expect(await second.accepted.map { sequence(of: $0) } == [3, 3], "the moved one kept its cursor; the added one started at the head")
                        #expect(await dispatcher.status().map(\.name) == ["added", "moving"])

                        try await dispatcher.configure([WebhookTarget(name: "added", url: secondURL, secret: Self.secret)])
                        #expect(await dispatcher.status().map(\.name) == ["added"])
                        #expect(try await outbox.webhookCursors().map(\.webhook) == ["added"], "a removed target's cursor is deleted")
                        await log.append(.push("team/app", "4"))
                        #expect(await eventually { await second.accepted.count == 3 })
                    }
                    #expect(await first.accepted.count == 2)
                    #expect(await second.accepted.map { sequence(of: $0) } == [3, 3, 4])
                }
            }
        }
    }

    @Test func aNewURLIsTriedWithoutWaitingOutTheBackoff() async throws {
        try await withTemporaryDirectory { directory in
            try await withReceiver { brokenURL, broken in
                try await withReceiver { fixedURL, fixed in
                    await broken.answer(then: .notFound)
                    let log = MemoryAuditLog()
                    var options = fastOptions
                    options.retry = WebhookRetryPolicy(initialDelay: .seconds(60), maximumDelay: .seconds(60))
                    let dispatcher = WebhookDispatcher(records: log, outbox: try openStore(in: directory), options: options, logger: quietLogger)
                    try await dispatcher.configure([WebhookTarget(name: "ci", url: brokenURL, secret: Self.secret)])
                    await log.append(.push("team/app", "1"))
                    try await whileRunning(dispatcher) {
                        #expect(await eventually { await dispatcher.status().first?.nextAttempt != nil })
                        try await dispatcher.configure([WebhookTarget(name: "ci", url: fixedURL, secret: Self.secret)])
                        // Well inside the 60 s retry delay: the new configuration tried at once.
                        #expect(await eventually(within: .seconds(30)) { await fixed.accepted.count == 1 })
                    }
                    #expect(await broken.requests.count == 1)
                }
            }
        }
    }

    @Test func duplicateNamesAreRefused() async throws {
        try await withTemporaryDirectory { directory in
            let dispatcher = WebhookDispatcher(records: MemoryAuditLog(), outbox: try openStore(in: directory), options: fastOptions, logger: quietLogger)
            let target = WebhookTarget(name: "twice", url: URL(string: "http://127.0.0.1:9/")!, secret: Self.secret)
            await #expect(throws: WebhookConfigurationError.duplicateNames(["twice"])) { try await dispatcher.configure([target, target]) }
        }
    }
}
