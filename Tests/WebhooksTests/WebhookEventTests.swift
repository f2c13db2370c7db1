import AuditRecords
import Crypto
import Foundation
import Testing
import Webhooks

@Suite struct WebhookEventTests {
    private static func line(_ event: AuditEvent, sequence: UInt64 = 7) -> AuditLine {
        AuditLine(AuditRecord(sequence: sequence, previous: AuditHash(ofLine: Array("previous".utf8)), event: event))
    }

    private static func members(_ event: WebhookEvent) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(event.body)) as? [String: Any])
    }

    @Test func theBodyIsAStructuredCloudEventWhoseDataIsTheCanonicalLine() throws {
        let line = Self.line(.push("team/app", "1.0"))
        let event = WebhookEvent(line, source: "https://registry.example.com")
        let members = try Self.members(event)
        #expect(members["specversion"] as? String == "1.0")
        #expect(members["id"] as? String == line.hash.description)
        #expect(members["source"] as? String == "https://registry.example.com")
        #expect(members["type"] as? String == "dev.berth.manifest-push")
        #expect(members["subject"] as? String == "team/app:1.0")
        #expect(members["time"] as? String == "2027-01-15T08:00:00.123Z")
        #expect(members["datacontenttype"] as? String == "application/json")
        #expect((members["data"] as? [String: Any])?["seq"] as? Int == 7)
        // Byte for byte, so a receiver can hash what it got and find the record's id, and check the chain.
        #expect(Array(event.body.suffix(line.bytes.count + 1)) == line.bytes + [UInt8(ascii: "}")])
        #expect(Array(SHA256.hash(data: line.bytes)).map { String(format: "%02x", $0) }.joined() == event.id)
        #expect(members.count == 8)
    }

    @Test func theSubjectNamesTheRepositoryAndItsTagOrDigest() {
        let digest = "sha256:" + String(repeating: "0f", count: 32)
        func subject(_ repository: String?, _ object: String?) -> String? {
            WebhookEvent(Self.line(AuditEvent(actor: "admin", action: .robotTokenMint, repository: repository, object: object)), source: "/berth").subject
        }
        #expect(subject("team/app", "1.0") == "team/app:1.0")
        #expect(subject("team/app", digest) == "team/app@\(digest)")
        #expect(subject("team/app", nil) == "team/app")
        #expect(subject(nil, "payments-ci") == "payments-ci")
        #expect(subject(nil, nil) == nil)
    }

    @Test func anEventWithoutSubjectLeavesTheMemberOut() throws {
        let event = WebhookEvent(Self.line(AuditEvent(actor: "berth", action: .serverStart)), source: "/berth")
        #expect(try Self.members(event)["subject"] == nil)
        #expect(event.type == "dev.berth.server-start")
    }

    @Test func stringsAreEscapedAsJSON() throws {
        let event = WebhookEvent(Self.line(.push("team/app", "1.0")), source: "urn:\"quoted\"\\\n")
        #expect(try Self.members(event)["source"] as? String == "urn:\"quoted\"\\\n")
    }

    @Test func theSameRecordMakesTheSameEvent() {
        let line = Self.line(.push("team/app", "1.0"))
        #expect(WebhookEvent(line, source: "/berth") == WebhookEvent(line, source: "/berth"))
        #expect(WebhookEvent(line, source: "/berth").id != WebhookEvent(Self.line(.push("team/app", "1.0"), sequence: 8), source: "/berth").id)
    }
}

@Suite struct WebhookSignatureTests {
    /// RFC 4231, test case 2.
    @Test func isHMACSHA256InLowerCaseHex() {
        #expect(WebhookSignature.value(for: Array("what do ya want for nothing?".utf8), secret: Array("Jefe".utf8))
            == "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }
}

@Suite struct WebhookRetryPolicyTests {
    @Test func delaysDoubleUpToTheMaximum() {
        let policy = WebhookRetryPolicy(initialDelay: .seconds(1), maximumDelay: .seconds(300), jitter: 0)
        #expect((1...10).map { policy.delay(afterFailures: $0) } == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300].map { Duration.seconds($0) })
        #expect(policy.delay(afterFailures: 10_000) == .seconds(300))
    }

    @Test func jitterOnlyShortensADelay() {
        let policy = WebhookRetryPolicy(initialDelay: .seconds(8), maximumDelay: .seconds(300), jitter: 0.5)
        let delays = (0..<200).map { _ in policy.delay(afterFailures: 1) }
        #expect(delays.allSatisfy { $0 > .seconds(4) && $0 <= .seconds(8) })
        #expect(Set(delays).count > 1)
    }

    @Test func retryAfterIsWaitedOutUpToTheMaximum() {
        let policy = WebhookRetryPolicy(initialDelay: .seconds(1), maximumDelay: .seconds(300), jitter: 0)
        #expect(policy.delay(afterFailures: 1, retryAfter: .seconds(30)) == .seconds(30))
        #expect(policy.delay(afterFailures: 3, retryAfter: .seconds(1)) == .seconds(4))
        #expect(policy.delay(afterFailures: 1, retryAfter: .seconds(86_400)) == .seconds(300))
    }
}
