import AuditRecords
import Foundation

/// The spec of a Webhook.
extension SpecDecoder {
    func webhook(_ node: Int32) -> Webhook? {
        let c = context
        guard let spec = c.mapping(node, path: "spec", allowed: FieldTable.webhook.names) else { return nil }
        var url: URL?
        if let n = spec.value("url") {
            url = webhookURL(n)
        } else {
            spec.missing("url", expected: WebhookURL.expectation)
        }
        var events: Set<AuditAction>?
        if let n = spec.value("events") {
            events = webhookEvents(n)
        } else {
            spec.missing("events", expected: "a list of audit actions, such as [manifest-push, verdict-change]")
        }
        let repositories = spec.value("repositories").flatMap { c.repositoryPatterns($0, path: "spec.repositories") }
        var secretRef: WebhookSecretRef?
        if let n = spec.value("secretRef") {
            secretRef = webhookSecretRef(n)
        } else {
            spec.missing("secretRef", expected: "where the server finds the signing key: \(WebhookSecretRef.expectation)")
        }
        var timeout = Webhook.defaultTimeout
        if let n = spec.value("timeout"), let span = c.timeSpan(n, path: "spec.timeout") {
            if Webhook.timeoutRange.contains(span.totalSeconds) {
                timeout = span
            } else {
                c.error(n, "spec.timeout: \(span) is too long; expected a duration from \(Webhook.timeoutRange.lowerBound)s to \(Webhook.timeoutRange.upperBound)s for one delivery attempt")
            }
        }
        guard let url, let events, let secretRef else { return nil }
        return Webhook(metadata: metadata, source: owner.location, url: url, events: events, repositories: repositories,
                       secretRef: secretRef, timeout: timeout)
    }

    private func webhookURL(_ node: Int32) -> URL? {
        let c = context
        guard let text = c.string(node, path: "spec.url", expected: WebhookURL.expectation) else { return nil }
        switch WebhookURL.parse(text) {
        case .success(let url): return url
        case .failure(let problem):
            c.error(node, "spec.url: invalid URL: \(problem.reason); expected \(WebhookURL.expectation)")
            return nil
        }
    }

    /// A non-empty list of audit actions without repeats.
    private func webhookEvents(_ node: Int32) -> Set<AuditAction>? {
        let c = context
        guard let items = c.list(node, path: "spec.events", of: "audit actions") else { return nil }
        if items.isEmpty {
            c.error(node, "spec.events: expected at least one audit action; found an empty list (the webhook would receive nothing)")
            return nil
        }
        var events = Set<AuditAction>()
        var failed = false
        for (index, item) in items.enumerated() {
            let path = FieldPath("spec.events", index)
            guard let action = c.enumeration(item, path: path.description, as: AuditAction.self) else {
                failed = true
                continue
            }
            if !events.insert(action).inserted {
                c.error(item, "\(path): event '\(action.rawValue)' is listed twice")
                failed = true
            }
        }
        return failed ? nil : events
    }

    private func webhookSecretRef(_ node: Int32) -> WebhookSecretRef? {
        let c = context
        guard let fields = c.mapping(node, path: "spec.secretRef", allowed: FieldTable.webhookSecretRef.names) else { return nil }
        let present = fields.entries.filter { !c.tree.isNull(c.tree.resolved($0.value)) }
        guard present.count == 1, let entry = present.first else {
            let found = present.isEmpty ? "neither" : present.map(\.key).joined(separator: " and ")
            c.error(node, "spec.secretRef: expected \(WebhookSecretRef.expectation); found \(found)")
            return nil
        }
        let path = "spec.secretRef.\(entry.key)"
        if entry.key == "env" {
            let expected = WebhookSecretRef.environmentNameExpectation
            guard let name = c.string(entry.value, path: path, expected: expected) else { return nil }
            if let problem = WebhookSecretRef.environmentNameProblem(name) {
                c.error(entry.value, "\(path): invalid environment variable name \(c.describe(entry.value)): \(problem); expected \(expected)")
                return nil
            }
            return .environment(name)
        }
        let expected = WebhookSecretRef.filePathExpectation
        guard let file = c.string(entry.value, path: path, expected: expected) else { return nil }
        if let problem = WebhookSecretRef.filePathProblem(file) {
            c.error(entry.value, "\(path): invalid path \(c.describe(entry.value)): \(problem); expected \(expected)")
            return nil
        }
        return .file(file)
    }
}
