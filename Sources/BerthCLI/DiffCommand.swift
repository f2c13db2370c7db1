import ArgumentParser
import Declarations
import Foundation
import Reconciler
import Server
import Storage

struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "What a change to the declarations repository would change, without a registry: the reviewer's view of a pull request.",
        discussion: "With --detailed-exitcode: 0 no changes, 2 changes, 1 error.")

    @Argument(help: "BASE..HEAD: two branches, tags or commits of --git.")
    var range: String

    @Option(help: "Git repository (local path or URL) holding the declarations.")
    var git: String

    @Option(help: "Folder inside the git repository holding the declarations.")
    var path: String?

    @Option(help: "Where remote git repositories are mirrored.")
    var gitCache: String = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/berth/git").path

    @Option(help: "Output format: text, json or markdown.")
    var format: PlanFormat = .text

    @Flag(help: "Exit 2 when HEAD changes something, 0 when it does not.")
    var detailedExitcode = false

    func run() async throws {
        let ends = range.components(separatedBy: "..")
        guard ends.count == 2, !ends[0].isEmpty, !ends[1].isEmpty else { throw ValidationError("expected BASE..HEAD, got '\(range)'") }
        let reader = DeclarationReader(cacheDirectory: URL(fileURLWithPath: gitCache), loader: DeclarationLoader(keyChecks: .server))
        let repository = try reader.open(git)
        let base = try reader.read(repository, commit: try repository.resolve(ends[0]), path: path, reference: "\(git)@\(ends[0])")
        let head = try reader.read(repository, commit: try repository.resolve(ends[1]), path: path, reference: "\(git)@\(ends[1])")
        if !base.result.errors.isEmpty {
            Output.error("warning: BASE (\(ends[0])) has \(base.result.errors.count) validation error(s); comparing against what of it could be read")
        }
        try requireValid(head)
        let baseObjects = base.result.state.canonicalObjects().map(Reconciliation.configurationObject)
        let live = LiveState(objects: baseObjects, fingerprint: ConfigurationObject.fingerprint(of: baseObjects), imageCounts: [:])
        let plan = try Reconciliation.plan(desired: head.result.state, provenance: head.provenance, path: path, live: live)
        print(render(plan, format: format, desired: head.result.state), terminator: "")
        if detailedExitcode, !plan.isEmpty { throw ExitCode(2) }
    }
}
