import AuditRecords
import Foundation
import Testing
@testable import Declarations

let webhookDeclarations = """
\(H)kind: Webhook
metadata: {name: security-feed}
spec:
  url: https://hooks.example.com/berth
  events: [verdict-change, manifest-push]
  repositories: ["payments/*"]
  secretRef: {env: BERTH_WEBHOOK_SECURITY}
  timeout: 30s
---
\(H)kind: Webhook
metadata: {name: audit-archive}
spec:
  url: http://archive.example.com:8080/berth?source=registry
  events: [configuration-apply, authentication-failed]
  secretRef: {file: /etc/berth/archive.key}
"""

/// A Webhook spec on line 4 of its document, for cases that vary one field.
func webhookDocument(_ spec: String) -> String {
    "\(H)kind: Webhook\nmetadata: {name: w}\nspec: {\(spec)}\n"
}

@Suite struct WebhookDeclarationsTests {
    static let result = loadWithBase(webhookDeclarations)

    @Test func decodesEveryField() throws {
        #expect(Self.result.diagnostics.isEmpty, "\(rendered(Self.result))")
        let state = Self.result.state
        #expect(state.webhooks.map(\.name) == ["audit-archive", "security-feed"], "sorted by name")
        let feed = state.webhooks[1]
        #expect(feed.url == URL(string: "https://hooks.example.com/berth"))
        #expect(feed.events == [.manifestPush, .verdictChange])
        #expect(feed.repositories?.map(\.text) == ["payments/*"])
        #expect(feed.secretRef == .environment("BERTH_WEBHOOK_SECURITY"))
        #expect(feed.timeout == TimeSpan(value: 30, unit: .seconds))
        #expect(feed.source == SourceLocation(file: "test.yaml", line: 3, column: 18))
        let archive = state.webhooks[0]
        #expect(archive.url.absoluteString == "http://archive.example.com:8080/berth?source=registry")
        #expect(archive.events == [.authenticationFailed, .configurationApply])
        #expect(archive.repositories == nil)
        #expect(archive.secretRef == .file("/etc/berth/archive.key"))
        #expect(archive.timeout == Webhook.defaultTimeout)
    }

    /// The example of spec/declarations.md is the only Webhook example (examples/ has none: `make run` would deliver
    /// to it), so it must load.
    @Test func theSpecExampleLoads() throws {
        let url = URL(fileURLWithPath: examplesDirectory).deletingLastPathComponent().appendingPathComponent("spec/declarations.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        let opening = "```yaml\n"
        let block = try #require(text.range(of: opening + "\(H)kind: Webhook\n"))
        let end = try #require(text.range(of: "```", range: block.upperBound..<text.endIndex))
        let result = loadWithBase(String(text[text.index(block.lowerBound, offsetBy: opening.count)..<end.lowerBound]))
        #expect(result.diagnostics.isEmpty, "\(rendered(result))")
        #expect(result.state.webhooks.map(\.name) == ["security-feed"])
    }

    @Test func canonicalShapeAndRoundTrip() throws {
        let canonical = Self.result.state.canonicalObjects()
        let feed = try #require(canonical.first { $0.id == "Webhook/security-feed" })
        #expect(feed.spec == [
            "url": "https://hooks.example.com/berth", "events": ["manifest-push", "verdict-change"],
            "repositories": ["payments/*"], "secretRef": ["env": "BERTH_WEBHOOK_SECURITY"], "timeout": "30s",
        ])
        let archive = try #require(canonical.first { $0.id == "Webhook/audit-archive" })
        #expect(archive.spec == [
            "url": "http://archive.example.com:8080/berth?source=registry",
            "events": ["authentication-failed", "configuration-apply"], "secretRef": ["file": "/etc/berth/archive.key"],
            "timeout": "10s",
        ])
        #expect(canonical.suffix(2).map(\.kind) == [.webhook, .webhook], "webhooks sort last")
        #expect(try DesiredState(canonical: canonical).canonicalObjects() == canonical)
        // As the configuration store keeps them: canonical JSON, read back as strictly as YAML.
        for object in canonical where object.kind == .webhook {
            #expect(try CanonicalObject(kind: "Webhook", name: object.name, canonicalJSON: object.canonicalJSONString) == object)
        }
    }

    @Test func anExplicitDefaultTimeoutIsTheSameObject() {
        let spec = #"url: "https://hooks.example.com/berth", events: [manifest-push], secretRef: {env: BERTH_WEBHOOK_KEY}"#
        let declared = load(webhookDocument(spec + ", timeout: 10s")).state.canonicalObjects()
        #expect(declared == load(webhookDocument(spec)).state.canonicalObjects())
        #expect(declared.first?.spec["timeout"] == "10s")
    }

    @Test func aURLWithCredentialsIsNeverRepeated() {
        let result = load(webhookDocument(#"url: "https://bot:hunter2@hooks.example.com/berth", events: [manifest-push], secretRef: {env: K}"#))
        #expect(result.hasErrors)
        #expect(!rendered(result).contains("hunter2"), "\(rendered(result))")
        #expect {
            try DesiredState(canonical: [CanonicalObject(kind: .webhook, name: "w", spec: [
                "url": "https://bot:hunter2@hooks.example.com/berth", "events": ["manifest-push"], "secretRef": ["env": "K"],
                "timeout": "10s",
            ])])
        } throws: { error in
            "\(error)".hasPrefix("Webhook 'w': spec.url: invalid URL: it has user information") && !"\(error)".contains("hunter2")
        }
    }

    @Test(arguments: [
        "https://hooks.example.com", "HTTPS://hooks.example.com/berth", "http://127.0.0.1:9000/hook?team=payments",
        "https://[::1]:8443/berth", "https://hooks.example.com/a%20b#part",
    ])
    func acceptedURLs(text: String) throws {
        #expect(try WebhookURL.parse(text).get().absoluteString == text)
    }

    @Test(arguments: [
        ("", "it is empty"),
        ("https://@hooks.example.com/", "it has user information (user:password@ before the host); credentials never go in git; receivers authenticate deliveries by their signature, made with the key secretRef names"),
        ("https://bot@hooks.example.com/", "it has user information (user:password@ before the host); credentials never go in git; receivers authenticate deliveries by their signature, made with the key secretRef names"),
        ("https:///berth", "it has no host"),
        ("https://hooks.example.com:0/", "its port 0 is not from 1 to 65535"),
        ("https://hooks.example.com:70000/", "its port 70000 is not from 1 to 65535"),
        ("https://hooks.example.com/%zz", "it is not a well-formed URL"),
        ("https://hooks.example.com/é", "it has a space, a control character or a non-ASCII character; percent-encode it"),
        ("hooks.example.com/berth", "it is not absolute (no http:// or https://)"),
        ("mailto:security@example.com", "its scheme is 'mailto'; only http and https are delivered to"),
        ("https://hooks.example.com/" + String(repeating: "a", count: 2_048), "it is longer than 2048 characters"),
    ])
    func refusedURLs(text: String, problem: String) {
        guard case .failure(let error) = WebhookURL.parse(text) else {
            Issue.record("accepted \(text)")
            return
        }
        #expect(error.reason == problem)
    }

    @Test(arguments: [("BERTH_WEBHOOK_KEY", nil), ("_k9", nil), ("9KEY", "it starts with a digit"), ("", "it is empty"),
                      ("KEY NAME", "it has a character outside A-Z, a-z, 0-9 and '_'"), ("KÉY", "it has a character outside A-Z, a-z, 0-9 and '_'")])
    func environmentNames(name: String, problem: String?) {
        #expect(WebhookSecretRef.environmentNameProblem(name) == problem)
    }

    static let refusedCanonicalSpecs: [(ConfigValue, String)] = [
        (["url": "ftp://h.example.com/", "events": ["manifest-push"], "secretRef": ["env": "K"]],
         "Webhook 'w': spec.url: invalid URL: its scheme is 'ftp'; only http and https are delivered to"),
        (["url": "https://h.example.com/", "events": [], "secretRef": ["env": "K"]], "Webhook 'w': spec.events: expected a non-empty list"),
        (["url": "https://h.example.com/", "events": ["manifest-pushed"], "secretRef": ["env": "K"]],
         "Webhook 'w': spec.events[0]: unknown audit action \"manifest-pushed\""),
        (["url": "https://h.example.com/", "events": ["tag-delete", "tag-delete"], "secretRef": ["env": "K"]],
         "Webhook 'w': spec.events[1]: \"tag-delete\" is listed twice"),
        (["url": "https://h.example.com/", "events": ["tag-delete"]], "Webhook 'w': spec.secretRef: missing required field"),
        (["url": "https://h.example.com/", "events": ["tag-delete"], "secretRef": ["env": "K", "file": "/k"]],
         "Webhook 'w': spec.secretRef: expected exactly one of env or file"),
        (["url": "https://h.example.com/", "events": ["tag-delete"], "secretRef": ["value": "s3cr3t"]],
         "Webhook 'w': spec.secretRef.value: unknown field; expected one of: env, file"),
        (["url": "https://h.example.com/", "events": ["tag-delete"], "secretRef": ["env": "1K"]],
         "Webhook 'w': spec.secretRef.env: invalid environment variable name \"1K\": it starts with a digit"),
        (["url": "https://h.example.com/", "events": ["tag-delete"], "secretRef": ["file": "k"]],
         "Webhook 'w': spec.secretRef.file: invalid path \"k\": it is not absolute"),
        (["url": "https://h.example.com/", "events": ["tag-delete"], "secretRef": ["env": "K"], "timeout": "2m"],
         "Webhook 'w': spec.timeout: 2m is outside 1s to 60s"),
        (["url": "https://h.example.com/", "events": ["tag-delete"], "secretRef": ["env": "K"], "repositories": []],
         "Webhook 'w': spec.repositories: expected a non-empty list"),
    ]

    @Test(arguments: refusedCanonicalSpecs)
    func canonicalErrors(spec: ConfigValue, message: String) {
        #expect {
            try DesiredState(canonical: [CanonicalObject(kind: .webhook, name: "w", spec: spec)])
        } throws: { error in "\(error)" == message }
    }
}

@Suite struct WebhookMatchingTests {
    static func webhook(_ events: Set<AuditAction>, repositories: [String]?) -> Webhook {
        Webhook(metadata: ObjectMetadata(name: "w"), source: SourceLocation(file: "test.yaml", line: 3, column: 18),
                url: URL(string: "https://hooks.example.com/berth")!, events: events,
                repositories: repositories?.map { RepositoryPattern($0)! }, secretRef: .environment("K"))
    }

    @Test func withoutRepositoriesEveryRecordOfItsEventsMatches() {
        let w = Self.webhook([.manifestPush, .authenticationFailed], repositories: nil)
        #expect(w.matches(action: .manifestPush, repository: "payments/api"))
        #expect(w.matches(action: .authenticationFailed, repository: nil), "records of no repository too")
        #expect(!w.matches(action: .manifestPull, repository: "payments/api"))
        #expect(!w.matches(action: .serverStart, repository: nil))
    }

    @Test func aRepositoryFilterLetsOnlyMatchingRepositoriesThrough() {
        let w = Self.webhook([.manifestPush, .authenticationFailed], repositories: ["payments/*", "identity/**"])
        #expect(w.matches(action: .manifestPush, repository: "payments/api"))
        #expect(w.matches(action: .manifestPush, repository: "identity"))
        #expect(w.matches(action: .manifestPush, repository: "identity/auth/v2"))
        #expect(!w.matches(action: .manifestPush, repository: "payments/api/v2"), "payments/* matches one component")
        #expect(!w.matches(action: .manifestPush, repository: "web/shop"))
        #expect(!w.matches(action: .authenticationFailed, repository: nil), "a filter lets no record of no repository through")
        #expect(!w.matches(action: .tagDelete, repository: "payments/api"), "the action must be listed too")
    }
}
