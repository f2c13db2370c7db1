import Foundation
import TestSupport
import Testing

/// Runs skopeo with a policy file of our own (accept anything), independent of /etc/containers/policy.json.
struct Skopeo: Sendable {
    let executable: URL
    let policy: URL
    let workDirectory: URL
    /// The server, whose log tail is appended to failure messages.
    let server: BerthProcess?

    init(workDirectory: URL, server: BerthProcess? = nil) throws {
        let executable = URL(fileURLWithPath: try requiredTool("skopeo", package: "skopeo"))
        self.executable = executable
        self.workDirectory = workDirectory
        policy = workDirectory.appendingPathComponent("policy.json")
        try Data(#"{"default":[{"type":"insecureAcceptAnything"}]}"#.utf8).write(to: policy)
        // An empty registries.conf and an auth file of our own keep the machine's configuration out of the test.
        try Data().write(to: workDirectory.appendingPathComponent("registries.conf"))
        try FileManager.default.createDirectory(at: workDirectory.appendingPathComponent("skopeo-tmp"),
                                                withIntermediateDirectories: true)
        self.server = server
        if let server { try Self.logIn(to: server.host, authFile: workDirectory.appendingPathComponent("auth.json")) }
    }

    /// Adds the bootstrap administrator's credentials for `host` to the auth file skopeo reads, as
    /// `skopeo login` would; other hosts already in the file stay.
    static func logIn(to host: String, authFile: URL, user: String = "admin", password: String = TestEnvironment.adminPassword) throws {
        var file = (try? JSONSerialization.jsonObject(with: Data(contentsOf: authFile))) as? [String: Any] ?? [:]
        var auths = file["auths"] as? [String: Any] ?? [:]
        auths[host] = ["auth": Data("\(user):\(password)".utf8).base64EncodedString()]
        file["auths"] = auths
        try JSONSerialization.data(withJSONObject: file).write(to: authFile, options: .atomic)
    }

    /// `skopeo --policy P ARGS…`, returning the result whatever the exit status.
    func run(_ arguments: [String], timeout: Duration = .seconds(120)) async throws -> CommandResult {
        try await runCommand(
            executable,
            ["--policy", policy.path, "--command-timeout", "90s",
             "--tmpdir", workDirectory.appendingPathComponent("skopeo-tmp").path] + arguments,
            environment: [
                "CONTAINERS_REGISTRIES_CONF": workDirectory.appendingPathComponent("registries.conf").path,
                "REGISTRY_AUTH_FILE": workDirectory.appendingPathComponent("auth.json").path,
            ],
            timeout: timeout)
    }

    /// Like `run`, but records an issue (with skopeo's and the server's output) and throws unless skopeo exits 0.
    @discardableResult
    func succeed(_ arguments: [String], _ what: String = "",
                 sourceLocation: SourceLocation = #_sourceLocation) async throws -> CommandResult {
        let result = try await run(arguments)
        if !result.succeeded {
            let context = what
            Issue.record("""
                skopeo failed\(context.isEmpty ? "" : " (\(context))"):
                \(result.summary)
                \(server?.logTail() ?? "")
                """, sourceLocation: sourceLocation)
            throw SkopeoFailed(result: result)
        }
        return result
    }
}

struct SkopeoFailed: Error, CustomStringConvertible {
    let result: CommandResult
    var description: String { "skopeo exited \(result.status)" }
}

/// `skopeo list-tags` output.
struct SkopeoTags: Decodable {
    let Repository: String
    let Tags: [String]
}
