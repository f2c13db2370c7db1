import ArgumentParser
import AdminAPI
import Foundation

/// Fetches a robot's token, sealed to the key in its declaration, for its consumer to open with age.
struct RobotCredentialCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "robot-credential",
        abstract: "Print a robot account's token, sealed to its deliverTo key (open it with: age -d -i KEY).",
        discussion: "The robot logs in as robot$NAME with the opened token. Berth keeps only a digest of the token.")

    @Argument(help: "The RobotAccount's name.")
    var name: String

    @Option(help: "URL of the registry.")
    var registry: String

    @Option(help: "File holding the registry's admin secret.")
    var tokenFile: String

    @Option(help: "Write the sealed token to this file instead of standard output.")
    var out: String?

    func run() async throws {
        guard let token = try? String(contentsOfFile: tokenFile, encoding: .utf8), !token.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ValidationError("--token-file \(tokenFile): unreadable or empty")
        }
        let remote = RemoteAdmin(baseURL: registry, token: token)
        do {
            let sealed = try await remote.sealedRobotCredential(name)
            if let out {
                try Output.writeAtomically(Data(sealed.utf8), to: out)
            } else {
                print(sealed, terminator: sealed.hasSuffix("\n") ? "" : "\n")
            }
        } catch {
            Output.error("berth robot-credential: \(error)")
            throw ExitCode(1)
        }
    }
}
