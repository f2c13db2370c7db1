import Foundation
import Storage
import TestSupport
import Testing
import Webhooks

/// The signing secret is sent nowhere but into the HMAC: not in descriptions, status, stored errors, or logs, even when
/// the receiver echoes it back.
@Suite struct WebhookSecretTests {
    private static let secretText = "s3cr3t-hmac-key-never-shown"
    private static let secret = Array(secretText.utf8)

    private static func leaks(_ text: String) -> Bool {
        text.contains(secretText) || text.contains("\(secret)") || text.contains(secret.map { String($0) }.joined(separator: ", "))
    }

    @Test func descriptionsRedactTheSecret() {
        let target = WebhookTarget(name: "ci", url: URL(string: "https://hooks.example.com/berth")!, secret: Self.secret)
        var dumped = ""
        dump(target, to: &dumped)
        for text in ["\(target)", String(reflecting: target), dumped, "\([target])"] {
            #expect(!Self.leaks(text), "\(text)")
            #expect(text.contains("redacted"), "\(text)")
        }
    }

    @Test func aFailingReceiverThatEchoesTheSecretDoesNotGetItIntoStatusStorageOrLogs() async throws {
        try await withTemporaryDirectory { directory in
            try await withReceiver { url, receiver in
                await receiver.answer(then: .unauthorized, failureBody: "bad signature; expected key \(Self.secretText)")
                let log = MemoryAuditLog()
                let lines = LogLines()
                let outbox = try openStore(in: directory)
                let dispatcher = WebhookDispatcher(records: log, outbox: outbox, options: fastOptions, logger: lines.logger)
                try await dispatcher.configure([WebhookTarget(name: "ci", url: url, secret: Self.secret)])
                await log.append(.push("team/app", "1"))
                try await whileRunning(dispatcher) {
                    #expect(await eventually { (await dispatcher.status().first?.failures ?? 0) >= 2 })
                }
                let status = await dispatcher.status()
                #expect(status.first?.lastError == "HTTP 401")
                let json = String(decoding: try JSONEncoder().encode(status), as: UTF8.self)
                #expect(!Self.leaks(json), "\(json)")
                let stored = "\(try await outbox.webhookCursors())"
                #expect(!Self.leaks(stored), "\(stored)")
                #expect(!lines.all.isEmpty, "failures are logged")
                for line in lines.all { #expect(!Self.leaks(line), "\(line)") }
            }
        }
    }
}
