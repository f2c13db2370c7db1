import Foundation
import Logging
import Storage
import Synchronization
import Webhooks

/// Milliseconds instead of seconds, so retries and polls take no time in tests.
let fastOptions = WebhookDispatcher.Options(
    source: "https://registry.example.com", pollInterval: .milliseconds(20),
    retry: WebhookRetryPolicy(initialDelay: .milliseconds(10), maximumDelay: .milliseconds(80)), batchSize: 2)

let quietLogger: Logger = {
    var logger = Logger(label: "webhooks-test")
    logger.logLevel = .critical
    return logger
}()

/// Polls `condition` every 10 ms until it holds or `timeout` passes; says whether it held. The default is generous: a
/// delivery that takes a second alone has taken over ten with the whole suite running on two cores.
func eventually(within timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        // Cancelled, a sleep throws at once: stop polling rather than spin until the deadline.
        do { try await Task.sleep(for: .milliseconds(10)) } catch { break }
    }
    return try await condition()
}

/// Runs `dispatcher` for the duration of `body`, then stops it and waits until it has.
func whileRunning<T>(_ dispatcher: WebhookDispatcher, _ body: () async throws -> T) async throws -> T {
    let running = Task { try await dispatcher.run() }
    do {
        let result = try await body()
        running.cancel()
        try await running.value
        return result
    } catch {
        running.cancel()
        _ = await running.result
        throw error
    }
}

func openStore(in directory: URL) throws -> SQLiteMetadataStore {
    try SQLiteMetadataStore(path: directory.appendingPathComponent("metadata.sqlite").path)
}

/// The audit record's `seq` in a delivered CloudEvent.
func sequence(of body: [UInt8]) -> UInt64? {
    guard let event = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
          let data = event["data"] as? [String: Any] else { return nil }
    return (data["seq"] as? NSNumber)?.uint64Value
}

/// Every line logged through its `logger`, message and metadata, at every level.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    var logger: Logger {
        Logger(label: "webhooks-test") { _ in RecordingLogHandler(lines: self) }
    }

    fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }
}

private struct RecordingLogHandler: LogHandler {
    let lines: LogLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lines.append("\(event.level) \(event.message) \(event.metadata ?? [:]) \(metadata)")
    }
}
