import AdminAPI
import ArgumentParser
import Declarations
import Foundation
import Lifecycle
import Reconciler
import Server
import Storage

/// `berth retention plan|run`: what retention deletes, shown or done.
struct RetentionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Show what retention would delete next, or run it now.",
        subcommands: [Plan.self, Run.self])

    struct Options: ParsableArguments {
        @Option(help: "Data folder of a registry that is not running (in process).")
        var data: String?

        @Option(help: "URL of a running registry, through its admin API.")
        var registry: String?

        @Option(help: "File holding the registry's admin secret, with --registry.")
        var tokenFile: String?

        @Option(help: "With --data: how long an untagged manifest is kept, e.g. 24h.")
        var untaggedGrace: String = "24h"

        @Option(help: "Output format: text, json or markdown.")
        var format: PlanFormat = .text

        func report(run: Bool) async throws -> RetentionReport {
            switch (data, registry) {
            case (let folder?, nil):
                guard let grace = TimeSpan(untaggedGrace)?.totalSeconds else {
                    throw ValidationError("--untagged-grace \(untaggedGrace): expected a duration such as 1h or 24h")
                }
                let stores = try EmbeddedStores(dataDirectory: URL(fileURLWithPath: folder))
                let declarations = try await LocalAdmin(configuration: stores.metadata, metadata: stores.metadata, keyChecks: .server).liveDeclarations()
                let retention = Retention(metadata: stores.metadata, untaggedGrace: TimeInterval(grace))
                let started = Date()
                if run { return try await retention.run(under: declarations, now: started) }
                return RetentionReport(startedAt: started, finishedAt: Date(), applied: false,
                                       repositories: try await retention.plan(under: declarations, now: started))
            case (nil, let url?):
                guard let tokenFile else { throw ValidationError("--registry needs --token-file FILE holding the admin secret") }
                guard let token = try? String(contentsOfFile: tokenFile, encoding: .utf8), !token.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    throw ValidationError("--token-file \(tokenFile): unreadable or empty")
                }
                return try await RemoteAdmin(baseURL: url, token: token).retention(run: run)
            case (.some, .some): throw ValidationError("give either --data or --registry, not both")
            case (nil, nil): throw ValidationError("give the registry: --data DIR (not running) or --registry URL --token-file FILE")
            }
        }

        func print(_ report: RetentionReport) throws {
            switch format {
            case .text: Swift.print(report.text, terminator: "")
            case .markdown: Swift.print(report.markdown, terminator: "")
            case .json: Swift.print(String(decoding: try AdminWire.encoder.encode(report), as: UTF8.self))
            }
        }
    }

    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List exactly what the next retention run deletes, tag by tag, with the rule that lets each go.")
        @OptionGroup var options: Options

        func run() async throws { try options.print(try await options.report(run: false)) }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run retention now and report what it deleted.",
            discussion: "With --data the registry must not be running: it would keep serving what it cached.")
        @OptionGroup var options: Options

        func run() async throws { try options.print(try await options.report(run: true)) }
    }
}
