import AdminAPI
import ArgumentParser
import Foundation

/// Prints whether a stored image is released or quarantined, and every signature found for it.
struct VerdictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verdict",
        abstract: "Show an image's verdict: released or quarantined, why, and each signature found for it.",
        discussion: "Exit status: 0 released (or a signature, never quarantined), 3 quarantined, 1 error.")

    @Argument(help: "REPOSITORY:TAG or REPOSITORY@DIGEST.")
    var image: String

    @Option(help: "URL of the registry.")
    var registry: String

    @Option(help: "File holding the registry's admin secret.")
    var tokenFile: String

    @Option(help: "Output format: text or json.")
    var format: VerdictFormat = .text

    enum VerdictFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    /// Splits `name@digest` at the `@`, `name:tag` at the last `:` after the last `/` (a registry host's port is not a tag).
    static func split(_ image: String) -> (repository: String, reference: String)? {
        if let at = image.firstIndex(of: "@") {
            return (String(image[..<at]), String(image[image.index(after: at)...]))
        }
        let nameStart = image.lastIndex(of: "/").map { image.index(after: $0) } ?? image.startIndex
        guard let colon = image[nameStart...].lastIndex(of: ":") else { return nil }
        return (String(image[..<colon]), String(image[image.index(after: colon)...]))
    }

    func run() async throws {
        guard let (repository, reference) = Self.split(image), !repository.isEmpty, !reference.isEmpty else {
            throw ValidationError("give the image as REPOSITORY:TAG or REPOSITORY@DIGEST, not '\(image)'")
        }
        guard let token = try? String(contentsOfFile: tokenFile, encoding: .utf8), !token.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ValidationError("--token-file \(tokenFile): unreadable or empty")
        }
        let verdict: AdminWire.Verdict
        do {
            verdict = try await RemoteAdmin(baseURL: registry, token: token).verdict(repository: repository, reference: reference)
        } catch {
            Output.error("berth verdict: \(error)")
            throw ExitCode(1)
        }
        switch format {
        case .text: print(verdict.text, terminator: "")
        case .json: print(String(decoding: try AdminWire.encoder.encode(verdict), as: UTF8.self))
        }
        if !verdict.released { throw ExitCode(3) }
    }
}
