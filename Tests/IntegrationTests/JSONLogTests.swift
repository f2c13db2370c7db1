import Foundation
import TestSupport
import Testing

/// `berth serve --log-format json`: standard output holds JSON records only, one per line, the listening announcement
/// among them, and nothing goes to standard error (spec/logging.md).
@Suite("json logs", .timeLimit(.minutes(5)))
struct JSONLogTests {
    @Test("every line of standard output is a record, from start to a SIGTERM")
    func serveWritesOneRecordPerLine() async throws {
        try await withTemporaryDirectory("json-logs") { tmp in
            let examples = TestEnvironment.packageRoot.appendingPathComponent("examples")
            let server = try await BerthProcess.start(
                dataDirectory: tmp.url.appendingPathComponent("data"), logDirectory: tmp.url,
                extraArguments: ["--log-format", "json", "--declarations", examples.path, "--interval", "1s"])
            // A record with metadata from a service (the reconcile loop) and one from a request (a failed login).
            let deadline = ContinuousClock.now + .seconds(30)
            while !server.stdout.contains("applied declarations"), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            let wrongPassword = "Basic " + Data("admin:wrong".utf8).base64EncodedString()
            let status = try await RegistryClient.with(baseURL: server.baseURL, authorization: wrongPassword) { client in
                try await client.request(.GET, "/v2/").status
            }
            #expect(status == 401)
            let termination = await server.stop()
            #expect(termination?.status == 0 && termination?.signaled == false, "\(server.logTail())")

            let records = try server.stdout.split(separator: "\n").map { line in
                try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
            }
            for record in records {
                #expect(["time", "level", "label", "message", "metadata", "source", "file", "line"].allSatisfy { record[$0] != nil }, "\(record)")
            }
            let listening = records.first { $0["message"] as? String == "listening on \(server.baseURL.absoluteString)" }
            #expect((listening?["metadata"] as? [String: Any])?["url"] as? String == server.baseURL.absoluteString)
            let applied = records.first { $0["message"] as? String == "applied declarations" }
            #expect((applied?["metadata"] as? [String: Any])?.isEmpty == false, "no applied declarations record:\n\(server.stdout)")
            #expect(records.contains { $0["level"] as? String == "warning" && ($0["metadata"] as? [String: Any])?["subject"] as? String == "admin" },
                    "no record of the failed login:\n\(server.stdout)")
            #expect(server.stderr.isEmpty, "standard error: \(server.stderr)")
        }
    }
}
