import Foundation
import TestSupport
import Testing

// Helpers for the end-to-end tests of the reconciler's command line (`berth validate/plan/apply/diff` and the
// reconcile loop of `berth serve`): git repositories made with the git CLI, `berth` invocations, the admin API,
// and polling with useful failure messages.

// MARK: - git

/// A git repository of declarations in a temporary folder, driven with the git CLI.
///
/// Every git command runs without the user's or the system's configuration (`GIT_CONFIG_GLOBAL=/dev/null`,
/// `GIT_CONFIG_NOSYSTEM=1`) and names its committer with `-c user.name=… -c user.email=…`.
struct DeclarationsRepo: Sendable {
    let url: URL
    var path: String { url.path }

    static let environment = [
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_TERMINAL_PROMPT": "0",
    ]

    /// `git init -b main` in `url`, then (unless `withExamples` is false) copies `examples/` into `subfolder`
    /// (the root when nil) and commits it.
    static func create(at url: URL, withExamples: Bool = true, subfolder: String? = nil) async throws -> DeclarationsRepo {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let repo = DeclarationsRepo(url: url)
        try await repo.git(["init", "-q", "-b", "main"])
        if withExamples { try repo.copyExamples(into: subfolder) }
        return repo
    }

    /// Runs `git ARGS` in the repository; throws (with the command and its output) unless it exits 0.
    @discardableResult
    func git(_ arguments: [String], environment: [String: String] = [:]) async throws -> CommandResult {
        let executable = URL(fileURLWithPath: try requiredTool("git", package: "git"))
        let result = try await runCommand(executable, ["-C", path] + arguments,
                                          environment: Self.environment.merging(environment) { _, new in new },
                                          timeout: .seconds(60))
        guard result.succeeded else { throw CommandFailed(what: "git", result: result) }
        return result
    }

    func copyExamples(into subfolder: String? = nil) throws {
        let source = TestEnvironment.packageRoot.appendingPathComponent("examples")
        let destination = subfolder.map { url.appendingPathComponent($0) } ?? url
        try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
        for entry in try FileManager.default.contentsOfDirectory(atPath: source.path) {
            try FileManager.default.copyItem(at: source.appendingPathComponent(entry),
                                             to: destination.appendingPathComponent(entry))
        }
    }

    func read(_ relative: String) throws -> String {
        try String(contentsOf: url.appendingPathComponent(relative), encoding: .utf8)
    }

    func write(_ relative: String, _ text: String) throws {
        let file = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
    }

    func remove(_ relative: String) throws {
        try FileManager.default.removeItem(at: url.appendingPathComponent(relative))
    }

    /// Replaces the `occurrence`-th (1-based) occurrence of `old` in the file; returns the 1-based line and column
    /// where the replacement starts. Throws when there are fewer occurrences.
    @discardableResult
    func replace(in relative: String, _ old: String, with new: String, occurrence: Int = 1) throws -> (line: Int, column: Int) {
        let text = try read(relative)
        var searchStart = text.startIndex
        var found: Range<String.Index>?
        for _ in 0..<occurrence {
            guard let range = text.range(of: old, range: searchStart..<text.endIndex) else {
                throw TestSetupError("\(relative) has fewer than \(occurrence) occurrence(s) of \(old.debugDescription)")
            }
            found = range
            searchStart = range.upperBound
        }
        let range = found!
        let before = text[..<range.lowerBound]
        let line = before.filter { $0 == "\n" }.count + 1
        let column = before.count - (before.lastIndex(of: "\n").map { before.distance(from: before.startIndex, to: $0) + 1 } ?? 0) + 1
        try write(relative, text.replacingCharacters(in: range, with: new))
        return (line, column)
    }

    /// `git add -A` and `git commit`, optionally SSH-signed with `signingKey` (a private key file) and dated
    /// `date` (author and committer time, e.g. `2023-06-01T12:00:00Z`); returns the new commit's full hash.
    @discardableResult
    func commit(_ message: String, signingKey: URL? = nil, date: String? = nil, author: String = "CI",
                email: String = "ci@example.com") async throws -> String {
        try await git(["add", "-A"])
        var arguments = ["-c", "user.name=\(author)", "-c", "user.email=\(email)", "-c", "commit.gpgsign=false"]
        if let signingKey {
            arguments += ["-c", "gpg.format=ssh", "-c", "user.signingkey=\(signingKey.path)"]
        }
        arguments += ["commit", "-q", "--allow-empty", "-m", message]
        if signingKey != nil { arguments.append("-S") }
        try await git(arguments, environment: date.map { ["GIT_AUTHOR_DATE": $0, "GIT_COMMITTER_DATE": $0] } ?? [:])
        return try await head()
    }

    func head(_ revision: String = "HEAD") async throws -> String {
        try await git(["rev-parse", revision]).stdoutString.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

struct CommandFailed: Error, CustomStringConvertible {
    let what: String
    let result: CommandResult
    var description: String { "\(what) failed:\n\(result.summary)" }
}

// MARK: - berth

/// Runs the `berth` binary under test with stdin from /dev/null (so never a terminal).
func berth(_ arguments: [String], in directory: URL? = nil, timeout: Duration = .seconds(60)) async throws -> CommandResult {
    let binary = TestEnvironment.berthBinary
    guard FileManager.default.isExecutableFile(atPath: binary.path) else {
        throw BerthLaunchError(description: "berth binary not found at \(binary.path); run `swift build --build-tests`")
    }
    return try await runCommand(binary, arguments, currentDirectory: directory, timeout: timeout)
}

/// Expects `result` to have exited with `status`; the failure message holds the command line and its output.
@discardableResult
func expectExit(_ result: CommandResult, _ status: Int32, _ what: String,
                sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
    let ok = !result.signaled && result.status == status
    #expect(ok, "\(what): expected exit \(status)\n\(result.summary)", sourceLocation: sourceLocation)
    return ok
}

/// Like `expectExit`, but stops the test when the status is not the expected one.
func requireExit(_ result: CommandResult, _ status: Int32, _ what: String,
                 sourceLocation: SourceLocation = #_sourceLocation) throws {
    try #require(!result.signaled && result.status == status,
                 "\(what): expected exit \(status)\n\(result.summary)", sourceLocation: sourceLocation)
}

// MARK: - JSON documents

/// Any JSON value, for field-level `before`/`after` and canonical objects.
enum JSONValue: Decodable, Equatable, Sendable, CustomStringConvertible {
    case null, bool(Bool), int(Int), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .int(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): "\(value)"
        case .int(let value): "\(value)"
        case .string(let value): value.debugDescription
        case .array(let values): "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .object(let fields): "{" + fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }
}

/// A saved plan (spec/plan.md, "The plan document").
struct PlanDocument: Decodable, Sendable {
    struct Source: Decodable, Sendable {
        var commit: String?
        var author: String?
        var ref: String?
        var path: String?
    }
    struct FieldChange: Decodable, Sendable {
        var path: String
        var before: JSONValue?
        var after: JSONValue?
        var sensitive: Bool?
    }
    struct Change: Decodable, Sendable {
        var action: String
        var kind: String
        var name: String
        var fields: [FieldChange]
        var destructive: Bool
        var reasons: [String]
        var after: JSONValue?
        var id: String { "\(action) \(kind)/\(name)" }
    }
    struct Summary: Decodable, Sendable {
        var create: Int
        var update: Int
        var delete: Int
        var destructive: Int
    }

    var formatVersion: Int
    var createdAt: String
    var source: Source
    var liveFingerprint: String
    var desiredFingerprint: String
    var changes: [Change]
    var summary: Summary

    static let topLevelKeys: Set<String> = ["formatVersion", "createdAt", "source", "liveFingerprint",
                                            "desiredFingerprint", "changes", "summary"]
    static let changeKeys: Set<String> = ["action", "kind", "name", "fields", "destructive", "reasons", "after"]

    /// Decodes `data`; the error names the document so a failure shows what was read.
    static func decode(_ data: Data, what: String) throws -> PlanDocument {
        do {
            return try JSONDecoder().decode(PlanDocument.self, from: data)
        } catch {
            throw TestSetupError("\(what) is not a plan document: \(error)\n--- document ---\n\(tail(String(decoding: data, as: UTF8.self), maxLines: 60))")
        }
    }

    func change(_ kind: String, _ name: String) -> Change? {
        changes.first { $0.kind == kind && $0.name == name }
    }

    var ids: [String] { changes.map(\.id) }
}

/// `berth plan --format json` of a source against a target, decoded; fails the test unless it exits 0 or 2.
func planJSON(_ arguments: [String], what: String) async throws -> (PlanDocument, CommandResult) {
    let result = try await berth(["plan", "--format", "json", "--detailed-exitcode"] + arguments)
    try #require(!result.signaled && (result.status == 0 || result.status == 2),
                 "\(what): expected exit 0 or 2\n\(result.summary)")
    return (try PlanDocument.decode(result.stdout, what: what), result)
}

// MARK: - berth serve

/// Starts `berth serve --listen 127.0.0.1:0 --data DATA ARGS…`, runs `body`, and always stops the server.
/// When `body` throws, the server's log tail is recorded with the failure.
@discardableResult
func withServe<T>(
    data: URL,
    logs: URL,
    _ arguments: [String],
    bootstrapAdministrator: Bool = true,
    _ body: (BerthProcess) async throws -> T
) async throws -> T {
    let server = try await BerthProcess.start(dataDirectory: data, logDirectory: logs, extraArguments: arguments,
                                              bootstrapAdministrator: bootstrapAdministrator)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        Issue.record("server log for the failure below:\n\(server.logTail(lines: 60))")
        throw error
    }
}

/// `/admin/v1/status` (spec/admin-api.md).
struct StatusDocument: Decodable, Sendable, CustomStringConvertible {
    struct Condition: Decodable, Sendable {
        var type: String
        var status: String
        var reason: String
        var message: String
        var lastTransitionTime: String
    }
    var source: String?
    var mode: String
    var lastAttemptedCommit: String?
    var lastAppliedCommit: String?
    var lastAppliedAt: String?
    var conditions: [Condition]
    var drift: [String]
    var reconciliations: Int
    var failures: Int
    var driftDetections: Int

    func condition(_ type: String) -> Condition? { conditions.first { $0.type == type } }

    func has(_ type: String, _ status: String, reason: String? = nil) -> Bool {
        guard let condition = condition(type), condition.status == status else { return false }
        return reason == nil || condition.reason == reason
    }

    var description: String {
        var text = "mode \(mode), source \(source ?? "-"), lastAttempted \(lastAttemptedCommit ?? "-"), lastApplied \(lastAppliedCommit ?? "-"), "
        text += "reconciliations \(reconciliations), failures \(failures), driftDetections \(driftDetections), drift \(drift)"
        for condition in conditions {
            text += "\n  \(condition.type)=\(condition.status) (\(condition.reason)): \(condition.message)"
        }
        return text
    }
}

/// `/admin/v1/state`.
struct StateDocument: Decodable, Sendable {
    struct Object: Decodable, Sendable {
        var kind: String
        var name: String
        var spec: String
    }
    var fingerprint: String
    var objects: [Object]
    var imageCounts: [String: Int]

    func object(_ kind: String, _ name: String) -> Object? {
        objects.first { $0.kind == kind && $0.name == name }
    }

    /// The canonical object stored for kind/name, parsed.
    func canonical(_ kind: String, _ name: String) throws -> JSONValue? {
        guard let object = object(kind, name) else { return nil }
        return try JSONDecoder().decode(JSONValue.self, from: Data(object.spec.utf8))
    }
}

/// The admin API and `/metrics` of one server.
struct AdminClient: Sendable {
    let client: RegistryClient
    let secret: String
    let server: BerthProcess

    var bearer: [(String, String)] { [("Authorization", "Bearer \(secret)")] }

    func get(_ path: String, headers: [(String, String)]? = nil) async throws -> RegistryResponse {
        try await client.request(.GET, path, headers: headers ?? bearer)
    }

    private func decode<T: Decodable>(_ type: T.Type, _ path: String) async throws -> T {
        let exchange = try await get(path)
        guard exchange.status == 200 else {
            throw TestSetupError("GET \(path): expected 200\n\(exchange)\n\(server.logTail())")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(exchange.body))
        } catch {
            throw TestSetupError("GET \(path): cannot decode \(T.self): \(error)\n\(exchange)")
        }
    }

    func status() async throws -> StatusDocument { try await decode(StatusDocument.self, "/admin/v1/status") }
    func state() async throws -> StateDocument { try await decode(StateDocument.self, "/admin/v1/state") }

    struct Revision: Decodable, Sendable {
        struct Source: Decodable, Sendable {
            var actor: String
            var commit: String?
        }
        var id: Int
        var fingerprintBefore: String
        var fingerprintAfter: String
        var source: Source
    }
    private struct Revisions: Decodable { var revisions: [Revision] }

    func revisions(limit: Int = 20) async throws -> [Revision] {
        try await decode(Revisions.self, "/admin/v1/revisions?limit=\(limit)").revisions
    }

    /// POSTs a change set to `/admin/v1/changes` as `actor` (a change outside git unless the actor is the reconciler).
    @discardableResult
    func postChanges(_ changes: [[String: String]], actor: String = "admin-api",
                     expectedFingerprint: String? = nil) async throws -> RegistryResponse {
        var body: [String: Any] = [
            "source": ["actor": actor, "summary": "made by hand in an integration test"],
            "changes": changes,
        ]
        if let expectedFingerprint { body["expectedFingerprint"] = expectedFingerprint }
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        let exchange = try await client.request(.POST, "/admin/v1/changes",
                                             headers: bearer + [("Content-Type", "application/json")], body: Array(data))
        guard exchange.status == 200 else {
            throw TestSetupError("POST /admin/v1/changes: expected 200\n\(exchange)\n\(server.logTail())")
        }
        return exchange
    }

    /// `/metrics` (no credentials) as name → value.
    func metrics() async throws -> [String: Double] {
        let exchange = try await client.request(.GET, "/metrics")
        guard exchange.status == 200 else { throw TestSetupError("GET /metrics: expected 200\n\(exchange)") }
        var values: [String: Double] = [:]
        for line in String(decoding: exchange.body, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = Double(parts[1]) { values[String(parts[0])] = value }
        }
        return values
    }
}

/// Runs `body` with an admin client of `server` (HTTP client shut down afterwards).
func withAdmin<T>(_ server: BerthProcess, secret: String, _ body: (AdminClient) async throws -> T) async throws -> T {
    try await RegistryClient.with(baseURL: server.baseURL, authorization: TestEnvironment.adminAuthorization) { client in
        try await body(AdminClient(client: client, secret: secret, server: server))
    }
}

// MARK: - polling

enum Poll<T> {
    case done(T)
    /// Not yet; the text says what was seen, for the timeout message.
    case notYet(String)
}

struct WaitTimedOut: Error, CustomStringConvertible {
    let description: String
}

/// Polls `probe` every `every` until it returns `.done`, or throws after `timeout` with the last observation
/// (and the server's log tail).
func waitUntil<T>(
    _ what: String,
    timeout: Duration = .seconds(10),
    every: Duration = .milliseconds(100),
    server: BerthProcess? = nil,
    _ probe: () async throws -> Poll<T>
) async throws -> T {
    let clock = ContinuousClock()
    let start = clock.now
    var last = "(never probed)"
    while true {
        switch try await probe() {
        case .done(let value): return value
        case .notYet(let seen): last = seen
        }
        if clock.now - start >= timeout {
            throw WaitTimedOut(description: """
                timed out after \(timeout) waiting until \(what)
                last seen: \(last)
                \(server?.logTail(lines: 40) ?? "")
                """)
        }
        try await Task.sleep(for: every)
    }
}

// MARK: - images

/// Pushes a tiny one-layer OCI image to `repository:tag` through the registry API; returns the manifest digest.
@discardableResult
func pushTinyImage(to server: BerthProcess, repository: String, tag: String) async throws -> String {
    try await RegistryClient.with(baseURL: server.baseURL, authorization: server.adminAuthorization) { client in
        let config = Data(#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"config":{}}"#.utf8)
        let layer = randomData(count: 2048)
        try await client.pushBlob(Array(config), to: repository, mode: .postThenPut)
        try await client.pushBlob(Array(layer), to: repository, mode: .postThenPut)
        let manifest = ImageManifest(
            mediaType: MediaType.ociManifest,
            config: Descriptor(mediaType: MediaType.ociConfig, data: config),
            layers: [Descriptor(mediaType: MediaType.ociLayerGzip, data: layer)])
        let bytes = try encodeJSON(manifest)
        try await client.pushManifest(Array(bytes), mediaType: MediaType.ociManifest, to: repository, reference: tag)
        return sha256Digest(bytes)
    }
}

/// Writes `secret` to `<dir>/admin-secret` and returns the file.
func writeSecret(_ secret: String, in directory: URL, name: String = "admin-secret") throws -> URL {
    let file = directory.appendingPathComponent(name)
    try Data((secret + "\n").utf8).write(to: file)
    return file
}

/// The fingerprint of an empty live configuration: `sha256:` of no bytes (spec/admin-api.md, `GET /admin/v1/state`).
let emptyStateFingerprint = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
