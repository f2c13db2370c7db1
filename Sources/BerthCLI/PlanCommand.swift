import ArgumentParser
import Reconciler
import Declarations
import Foundation
import Reconciler

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what applying the declarations would change in the registry.",
        discussion: "With --detailed-exitcode: 0 no changes, 2 changes, 1 error.")

    @Argument(help: "Folder of declarations.")
    var folder: String?

    @OptionGroup var source: SourceOptions
    @OptionGroup var target: TargetOptions

    @Option(help: "Output format: text, json or markdown.")
    var format: PlanFormat = .text

    @Flag(help: "Exit 2 when the plan has changes, 0 when it has none.")
    var detailedExitcode = false

    @Option(help: "Save the plan (JSON) to FILE, for `berth apply FILE`.")
    var out: String?

    @Flag(help: "Colour the text output.")
    var color = false

    func run() async throws {
        let endpoint = try await target.endpoint()
        // The live state is read while the declarations are parsed.
        async let live = endpoint.liveState()
        let loaded = try source.reader.read(try source.source(positional: folder))
        try requireValid(loaded)
        let plan = try await Reconciliation.withConsequences(
            try Reconciliation.plan(desired: loaded.result.state, provenance: loaded.provenance, path: source.path, live: try await live),
            from: endpoint)
        print(render(plan, format: format, desired: loaded.result.state, color: color), terminator: "")
        if let out { try Output.writeAtomically(plan.encoded(), to: out) }
        // Exit here rather than return: returning would free the declarations, both states and the plan
        // object by object (a tenth of a plan of 60,000 objects) just before the process ends anyway.
        // exit() flushes standard output.
        Foundation.exit(detailedExitcode && !plan.isEmpty ? 2 : 0)
    }
}

func render(_ plan: Plan, format: PlanFormat, desired: DesiredState, color: Bool = false) -> String {
    let text: String
    switch format {
    case .text: text = PlanRenderer.text(plan, color: color)
    case .json: text = PlanRenderer.json(plan)
    case .markdown: text = PlanRenderer.markdown(plan, desired: desired)
    }
    return text.hasSuffix("\n") ? text : text + "\n"
}

/// Prints every diagnostic; stops with exit 1 when there are errors.
func requireValid(_ loaded: LoadedDeclarations) throws {
    for diagnostic in loaded.result.diagnostics { Output.error("\(diagnostic)") }
    if !loaded.result.errors.isEmpty {
        Output.error("\(loaded.result.errors.count) error(s) in the declarations of \(loaded.provenance.commit ?? loaded.provenance.reference); nothing was planned")
        throw ExitCode(1)
    }
}
