import Foundation
import Logging
import Testing

@testable import BerthCLI

@Suite struct JSONLogHandlerTests {
    @Test func everyLineIsOneObjectWithTheDocumentedKeys() async throws {
        let lines = try await capturedLines { output in
            var logger = Logger(label: "berth") { JSONLogHandler(label: $0, output: output) }
            logger.logLevel = .trace
            for level in Logger.Level.allCases { logger.log(level: level, "at \(level)") }
        }
        #expect(lines.count == Logger.Level.allCases.count)
        for (object, level) in zip(try lines.map(parse), Logger.Level.allCases) {
            #expect(Set(object.keys) == ["time", "level", "label", "message", "metadata", "source", "file", "line"])
            #expect(object["level"] as? String == level.rawValue)
            #expect(object["label"] as? String == "berth")
            #expect(object["message"] as? String == "at \(level)")
            #expect(object["metadata"] as? [String: Any] != nil)
            #expect(object["source"] as? String == "BerthCLITests")
            #expect(object["file"] as? String == "BerthCLITests/JSONLogHandlerTests.swift")
            #expect(object["line"] as? Int != nil)
        }
    }

    @Test func theTimeIsUTCToTheMillisecondAndAnErrorIsItsDescription() throws {
        let handler = JSONLogHandler(label: "berth", output: LogLineOutput(descriptor: -1))
        let event = LogEvent(level: .error, message: "failed", error: CocoaError(.fileNoSuchFile), metadata: nil,
                             source: "Server", file: "Server/X.swift", function: "f", line: 7)
        let line = handler.line(event, at: Date(timeIntervalSince1970: 1_796_569_445.123))
        let object = try parse(String(decoding: line.dropLast(), as: UTF8.self))
        #expect(object["time"] as? String == "2026-12-06T15:04:05.123Z")
        #expect(object["error"] as? String == String(describing: CocoaError(.fileNoSuchFile)))
        #expect(line.last == UInt8(ascii: "\n") && !line.dropLast().contains(UInt8(ascii: "\n")))
    }

    @Test func specialCharactersSurviveTheRoundTrip() async throws {
        let awkward = "quote \" backslash \\ slash / newline \n tab \t return \r nul \u{0} bell \u{7} del \u{7F} é 雪 🚢 \u{2028} end"
        let lines = try await capturedLines { output in
            let logger = Logger(label: "label \"\n") { JSONLogHandler(label: $0, output: output) }
            logger.info("\(awkward)", metadata: [awkward: .string(awkward)])
        }
        #expect(lines.count == 1)
        let object = try parse(lines[0])
        #expect(object["message"] as? String == awkward)
        #expect(object["label"] as? String == "label \"\n")
        #expect((object["metadata"] as? [String: Any])?[awkward] as? String == awkward)
    }

    @Test func metadataMergesHandlerThenProviderThenCallAndNests() async throws {
        let provider = Logger.MetadataProvider { ["b": "provider", "c": "provider"] }
        let lines = try await capturedLines { output in
            var logger = Logger(label: "berth") { JSONLogHandler(label: $0, output: output, metadataProvider: provider) }
            logger[metadataKey: "a"] = "handler"
            logger[metadataKey: "b"] = "handler"
            logger.info("merged", metadata: [
                "c": "call", "d": "call",
                "count": .stringConvertible(42),
                "nested": .dictionary(["list": .array(["x", .dictionary(["y": "z"]), .array([])]), "empty": .dictionary([:])]),
            ])
        }
        let metadata = try #require(try parse(lines[0])["metadata"] as? [String: Any])
        #expect(metadata["a"] as? String == "handler")
        #expect(metadata["b"] as? String == "provider")
        #expect(metadata["c"] as? String == "call")
        #expect(metadata["d"] as? String == "call")
        #expect(metadata["count"] as? String == "42")
        let nested = try #require(metadata["nested"] as? [String: Any])
        #expect((nested["empty"] as? [String: Any])?.isEmpty == true)
        let list = try #require(nested["list"] as? [Any])
        #expect(list.count == 3)
        #expect(list[0] as? String == "x")
        #expect((list[1] as? [String: Any])?["y"] as? String == "z")
        #expect((list[2] as? [Any])?.isEmpty == true)
        // Metadata keys are sorted, so equal records are equal lines.
        #expect(lines[0].contains(#""metadata":{"a":"handler","b":"provider","c":"call","count":"42","d":"call","nested":{"empty":{},"list""#))
    }

    @Test func recordsBelowTheLevelAreNotWritten() async throws {
        let lines = try await capturedLines { output in
            var logger = Logger(label: "berth") { JSONLogHandler(label: $0, output: output) }
            logger.logLevel = .warning
            for level in Logger.Level.allCases { logger.log(level: level, "at \(level)") }
        }
        #expect(try lines.map { try parse($0)["level"] as? String } == ["warning", "error", "critical"])
    }

    @Test func concurrentLoggersNeverInterleaveLines() async throws {
        // Lines far longer than a pipe's atomic write (4 KiB), from many threads at once.
        let tasks = 8, perTask = 100
        let lines = try await capturedLines { output in
            await withTaskGroup(of: Void.self) { group in
                for task in 0..<tasks {
                    group.addTask {
                        let logger = Logger(label: "berth") { JSONLogHandler(label: $0, output: output) }
                        for index in 0..<perTask {
                            logger.info("\(String(repeating: "\(task)", count: 20_000))", metadata: ["index": "\(index)"])
                        }
                    }
                }
            }
        }
        #expect(lines.count == tasks * perTask)
        for line in lines {
            let message = try #require(try parse(line)["message"] as? String)
            #expect(message.count == 20_000 && Set(message).count == 1)
        }
    }
}

/// The lines `body` logs through a `LogLineOutput` on a fresh file.
private func capturedLines(_ body: (LogLineOutput) async throws -> Void) async throws -> [String] {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("berth-log-\(UUID().uuidString).jsonl").path
    let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
    guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown) }
    defer { unlink(path) }
    try await body(LogLineOutput(descriptor: descriptor))
    close(descriptor)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.isEmpty || text.hasSuffix("\n"))
    return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
}

private func parse(_ line: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
}
