import ArgumentParser

@main
struct Berth: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "berth",
        abstract: "A private OCI registry whose configuration lives in git.",
        subcommands: [Serve.self, InitCommand.self, Validate.self, PlanCommand.self, ApplyCommand.self, DiffCommand.self, RobotCredentialCommand.self, VerdictCommand.self, ScanCommand.self, VulnerabilityDatabaseCommand.self, AuditCommand.self, RetentionCommand.self, GarbageCollectCommand.self, Fsck.self, MigrateCommand.self]
    )
}
