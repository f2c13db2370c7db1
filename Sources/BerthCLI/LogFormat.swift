import ArgumentParser
import Foundation
import Logging

/// How `berth serve` writes its logs and the line announcing where it listens (spec/logging.md).
enum LogFormat: String, CaseIterable, ExpressibleByArgument {
    /// swift-log's own lines on standard error, and the plain listening line on standard output: as before the option.
    case text
    /// JSON records, one per line, on standard output, the listening announcement among them.
    case json

    /// Makes every logger the process creates write in this format. Once per process, before the first logger.
    func bootstrap() {
        guard self == .json else { return }
        LoggingSystem.bootstrap { JSONLogHandler(label: $0, output: .standardOutput) }
    }

    /// The line scripts and tests wait for, written whatever the log level. In json it is a record like the others, so
    /// that every line of standard output parses.
    func announceListening(on url: String) {
        switch self {
        case .text:
            FileHandle.standardOutput.write(Data("listening on \(url)\n".utf8))
        case .json:
            let event = LogEvent(level: .notice, message: "listening on \(url)", metadata: ["url": .string(url)],
                                 source: "BerthCLI", file: #fileID, function: #function, line: #line)
            JSONLogHandler(label: "berth", output: .standardOutput).log(event: event)
        }
    }
}
