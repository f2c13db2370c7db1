import Declarations
import Foundation
import Logging
import Webhooks

/// The declared webhooks as delivery targets: each `secretRef` resolved on the server, never from git.
///
/// A key may only come from an environment variable named `BERTH_WEBHOOK_*`, or from a file outside the data folder:
/// whoever writes declarations must not be able to have the server sign with one of its own secrets (the admin password,
/// the token or audit key), which a receiver they control could then guess at offline.
enum WebhookTargets {
    static let environmentPrefix = "BERTH_WEBHOOK_"

    static func resolve(_ webhooks: [Webhook], dataDirectory: URL, environment: [String: String] = ProcessInfo.processInfo.environment,
                        logger: Logger) -> [WebhookTarget] {
        webhooks.compactMap { webhook in
            let secret: [UInt8]
            switch webhook.secretRef {
            case .environment(let name):
                guard name.hasPrefix(environmentPrefix) else {
                    logger.error("webhook not delivered: secretRef.env must name a \(environmentPrefix)* variable", metadata: ["webhook": "\(webhook.name)"])
                    return nil
                }
                guard let value = environment[name], !value.isEmpty else {
                    logger.error("webhook not delivered: its secret variable is not set", metadata: ["webhook": "\(webhook.name)", "variable": "\(name)"])
                    return nil
                }
                secret = Array(value.utf8)
            case .file(let path):
                let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
                guard !resolved.hasPrefix(dataDirectory.resolvingSymlinksInPath().path + "/") else {
                    logger.error("webhook not delivered: secretRef.file may not be inside the data folder", metadata: ["webhook": "\(webhook.name)"])
                    return nil
                }
                guard let data = FileManager.default.contents(atPath: resolved), !data.isEmpty else {
                    logger.error("webhook not delivered: its secret file is unreadable or empty", metadata: ["webhook": "\(webhook.name)", "file": "\(path)"])
                    return nil
                }
                // A trailing line feed is how files are written, not part of the key.
                secret = Array(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines).utf8)
            }
            return WebhookTarget(name: webhook.name, url: webhook.url, secret: secret, timeout: .seconds(webhook.timeout.totalSeconds)) { record in
                webhook.matches(action: record.event.action, repository: record.event.repository)
            }
        }
    }
}
