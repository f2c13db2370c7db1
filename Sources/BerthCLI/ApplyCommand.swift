import ArgumentParser
import Reconciler
import Foundation
import Reconciler

struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply the declarations (or a saved plan) to the registry: all of it or nothing.",
        discussion: "A saved plan is refused when the registry changed since it was made. Destructive changes need --allow-destroy.")

    @Argument(help: "A plan saved by `berth plan --out FILE`. Without it, a fresh plan is made from the declarations.")
    var planFile: String?

    @OptionGroup var source: SourceOptions
    @OptionGroup var target: TargetOptions

    @Flag(help: "Apply without asking for confirmation (for CI).")
    var autoApprove = false

    @Flag(help: "Allow destructive changes: deleting repositories that hold images, removing every admin.")
    var allowDestroy = false

    func run() async throws {
        let endpoint = try await target.endpoint()
        let plan: Plan
        if let planFile {
            guard source.declarations == nil, source.git == nil else {
                throw ValidationError("give either a saved plan or declarations, not both")
            }
            guard let data = FileManager.default.contents(atPath: planFile) else { throw ValidationError("\(planFile): cannot read") }
            do {
                plan = try Plan.decode(data)
            } catch {
                throw ValidationError("\(planFile): \(error)")
            }
        } else {
            let loaded = try source.reader.read(try source.source())
            try requireValid(loaded)
            plan = try await Reconciliation.withConsequences(
                try Reconciliation.plan(desired: loaded.result.state, provenance: loaded.provenance, path: source.path,
                                        live: try await endpoint.liveState()),
                from: endpoint)
        }
        if planFile != nil {
            let current = try await endpoint.liveState().fingerprint
            guard plan.isCurrent(liveFingerprint: current) else {
                Output.error("Refusing a stale plan; nothing changed: the live configuration changed since the plan was made (plan expects \(plan.liveFingerprint), registry has \(current)); make a new plan")
                throw ExitCode(1)
            }
        }
        print(PlanRenderer.text(plan), terminator: "")
        guard !plan.isEmpty else { return }
        if !autoApprove, !(try confirm()) {
            Output.error("Apply cancelled; nothing changed.")
            throw ExitCode(1)
        }
        do {
            if let revision = try await Reconciliation.apply(plan, through: endpoint, allowDestroy: allowDestroy) {
                print("Applied as revision \(revision.id): \(revision.source.summary). Live fingerprint \(revision.fingerprintAfter).")
            }
        } catch {
            Output.error("Apply failed; nothing changed: \(error)")
            throw ExitCode(1)
        }
    }

    private func confirm() throws -> Bool {
        guard isatty(STDIN_FILENO) == 1 else {
            throw ValidationError("refusing to apply without confirmation: standard input is not a terminal; pass --auto-approve")
        }
        print("\nDo you want to apply these changes? Only 'yes' is accepted: ", terminator: "")
        return readLine()?.trimmingCharacters(in: .whitespaces) == "yes"
    }
}
