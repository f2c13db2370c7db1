import AdminAPI
import ArgumentParser
import Audit
import AuditRecords
import Foundation
import Logging
import Server
import Storage

/// `berth audit verify|export`: check the audit chain of a data folder, and read records out of it (or out of a running
/// registry's admin API) as JSON lines.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Verify the audit log's hash chain, or export its records as JSON lines.",
        subcommands: [AuditVerifyCommand.self, AuditExportCommand.self])
}

struct AuditVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every record of the audit log: canonical, numbered without gap, chained, and matching every signed checkpoint.",
        discussion: """
            Exits 0 when the chain is intact and 1 naming the first bad record otherwise. A checkpoint you kept \
            (GET /admin/v1/audit/checkpoint) proves the log was not cut short or rewritten up to it; without one, records \
            removed from the end after the last stored checkpoint cannot be noticed. Reads only: safe next to a running server. \
            The log is the data folder's (--data), or the one replicas share (--metadata and --blobs, as given to them).
            """)

    @Option(help: "Data folder of the registry.")
    var data: String?

    @OptionGroup(title: "Scale-out stores") var stores: StoreOptions

    @Option(help: "A checkpoint kept earlier (JSON, as GET /admin/v1/audit/checkpoint serves it).")
    var checkpoint: String?

    @Option(help: "The audit public key (PEM) to check signatures with; by default the registry's own key.")
    var key: String?

    func run() async throws {
        let given = try key.map { path in
            guard let pem = try? String(contentsOfFile: path, encoding: .utf8) else { throw ValidationError("--key \(path): unreadable") }
            return try AuditKey.publicKey(pem: pem)
        }
        let kept = try checkpoint.map { path -> AuditCheckpoint in
            guard let contents = FileManager.default.contents(atPath: path),
                  let checkpoint = try? JSONDecoder().decode(AuditCheckpoint.self, from: contents) else {
                throw ValidationError("--checkpoint \(path): not a checkpoint (expected {\"seq\",\"head\",\"time\",\"signature\"})")
            }
            return checkpoint
        }
        let result: AuditVerification
        switch (data, stores.isScaleOut) {
        case (nil, true):
            guard let shared = try await stores.sharedStores(logger: Logger(label: "berth")) else { return }
            do {
                let sharedKey = try await shared.sharedAuditKey()?.publicKey
                let publicKey = given ?? sharedKey
                result = try await AuditVerification.check(shared.audit, key: publicKey, kept: kept)
            } catch {
                await shared.close()
                throw error
            }
            await shared.close()
        case (let data?, false):
            let folder = URL(fileURLWithPath: data).appendingPathComponent("audit")
            let store = try SegmentedAuditStore(folder: folder, readOnly: true)
            result = try await AuditVerification.check(store, key: given ?? AuditKey.publicKey(in: folder), kept: kept)
        case (.some, true): throw ValidationError("give either --data or the scale-out stores (--metadata and --blobs), not both")
        case (nil, false): throw ValidationError("give the registry to verify: --data DIR, or --metadata and --blobs")
        }
        if let failure = result.failure {
            Output.error("audit log NOT intact: \(failure)")
            throw ExitCode(1)
        }
        let range = result.last >= result.first ? "records \(result.first)–\(result.last)" : "no records"
        print("audit log intact: \(range)\(result.anchored ? " (anchored at a signed checkpoint)" : ""), \(result.checkpointsChecked) checkpoint(s) matched")
    }
}

struct AuditExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write audit records as JSON lines (each exactly as stored), filtered.",
        discussion: "Reads the data folder (--data) or a running registry's admin API (--registry with --token-file).")

    @Option(help: "Data folder of the registry.")
    var data: String?

    @Option(help: "URL of a running registry.")
    var registry: String?

    @Option(help: "File holding the registry's admin secret, with --registry.")
    var tokenFile: String?

    @Option(help: "Only records at or after this time (RFC 3339, or a day such as 2026-12-01).")
    var since: String?

    @Option(help: "Only records before this time.")
    var until: String?

    @Option(help: "Only records of this repository.")
    var repository: String?

    @Option(help: "Only records of this actor (user:alice, robot:ci, anonymous, reconciler, berth).")
    var actor: String?

    @Option(help: "Only records of this action (repeatable): \(AuditAction.allCases.map(\.rawValue).joined(separator: ", ")).")
    var action: [String] = []

    func run() async throws {
        let filter: AuditFilter
        do {
            filter = try AuditFilter(query: { name in
                switch name {
                case "from": since
                case "until": until
                case "repository": repository
                case "actor": actor
                default: nil
                }
            }, actions: action)
        } catch {
            Output.error("\(error)")
            throw ExitCode(1)
        }
        // One page after another: the lines as stored, and where the next page starts (nil at the end of the log).
        let page: (UInt64) async throws -> (lines: [[UInt8]], next: UInt64?)
        switch (data, registry) {
        case (let folder?, nil):
            let store = try SegmentedAuditStore(folder: URL(fileURLWithPath: folder).appendingPathComponent("audit"), readOnly: true)
            page = { after in
                let read = try await AuditPage.read(store, after: after, filter: filter, limit: 10_000)
                return (read.records.map { $0.canonicalLine() }, read.next)
            }
        case (nil, let url?):
            guard let tokenFile, let token = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
                throw ValidationError("--registry needs --token-file FILE holding the admin secret")
            }
            let remote = RemoteAdmin(baseURL: url, token: token)
            page = { after in
                let read = try await remote.auditPage(since: after, filter: filter.queryItems, limit: 10_000)
                return (read.lines.map { Array($0) }, read.next)
            }
        case (.some, .some): throw ValidationError("give either --data or --registry, not both")
        case (nil, nil): throw ValidationError("give the registry to export from: --data DIR or --registry URL --token-file FILE")
        }
        var after: UInt64 = 0
        while true {
            let (lines, next) = try await page(after)
            var text = Data()
            for line in lines {
                text.append(contentsOf: line)
                text.append(UInt8(ascii: "\n"))
            }
            FileHandle.standardOutput.write(text)
            guard let next else { return }
            after = next
        }
    }
}
