import Foundation
import TestSupport
import Testing

/// The web console (spec/console.md) in a real browser: a `berth serve` applying declarations from a git repository, a
/// quarantined unsigned image, a vulnerable image one exception covers, hostile text in a description and an annotation,
/// and three people (a consumer, the administrator, an outsider) walking the pages in headless Chromium, driven by
/// console_browser.py next to this file. Each step of the walk is one expectation here; the screenshots of the pages
/// are left in `.build/console-screenshots/` (or `$BERTH_SCREENSHOTS`) to look at.
@Suite("the web console in a real browser", .timeLimit(.minutes(5)))
struct ConsoleBrowserTests {
    static let signedRepository = "vault/app"
    static let vulnerableRepository = "scans/app"
    static let hostileDescription = "<script>alert(1)</script>"
    static let hostileAnnotation = "<img src=x onerror=alert(1)>"
    static let exceptionName = "openssl-reviewed"
    static let exceptionExpiry = "2098-07-15"
    /// bcrypt (cost 4) of `consumer-password`; the outsider's hash is in DeclarationFixtures.
    static let consumerHash = "$2y$04$5lyBwggUDSBgrfrPo4UZBugXad3.ERnA3deXgAU9rBB6tlx0Hc2Xy"

    /// The steps console_browser.py reports, each of which must pass.
    static let steps = [
        "login-refused", "consumer-login", "session-cookie", "overview", "repositories", "repository", "hostile-description",
        "image-verdict", "hostile-annotation", "suppressed-finding", "phone-width", "consumer-no-admin-pages", "security-headers",
        "cross-site-post-refused", "logout", "admin-login", "revisions", "audit-filter", "outsider-login", "outsider-404",
        "outsider-list",
    ]
    static let screenshots = ["login.png", "overview.png", "repositories.png", "repository.png", "image.png", "revisions.png", "audit.png"]

    /// The Signer's key is the example's: nothing is signed here, the tier only has to require a signature.
    static let declarations = """
        apiVersion: berth.dev/v1alpha1
        kind: Tier
        metadata: {name: signed}
        spec:
          signing: {requiredSigners: [release-pipeline], minimum: 1}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: Tier
        metadata: {name: guarded}
        spec:
          scanning: {vulnerabilities: {onPush: block, onPull: block, threshold: high}}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: Repository
        metadata: {name: \(signedRepository)}
        spec: {tier: signed, description: "\(hostileDescription)"}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: Repository
        metadata: {name: \(vulnerableRepository)}
        spec: {tier: guarded, description: Scanned on push}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: Signer
        metadata: {name: release-pipeline}
        spec:
          publicKeys:
            - |
              -----BEGIN PUBLIC KEY-----
              MCowBQYDK2VwAyEABMyzKLutNV/w80CXpuU3jzc9BnZWj7ZdKmlrKCU2dRs=
              -----END PUBLIC KEY-----
        ---
        apiVersion: berth.dev/v1alpha1
        kind: VulnerabilityException
        metadata: {name: \(exceptionName)}
        spec:
          vulnerability: CVE-2099-1001
          repositories: ["\(vulnerableRepository)"]
          expires: \(exceptionExpiry)
          reason: The vulnerable TLS path is not reachable.
          owner: security
        ---
        apiVersion: berth.dev/v1alpha1
        kind: Role
        metadata: {name: puller}
        spec: {permissions: [pull]}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: RoleBinding
        metadata: {name: consumer-pulls}
        spec: {role: puller, repositories: ["\(signedRepository)", "\(vulnerableRepository)"], subjects: [{user: consumer}]}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: RoleBinding
        metadata: {name: outsider-pulls}
        spec: {role: puller, repositories: ["\(vulnerableRepository)"], subjects: [{user: outsider}]}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: User
        metadata: {name: consumer}
        spec: {passwordHash: "\(consumerHash)"}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: User
        metadata: {name: outsider}
        spec: {passwordHash: "\(DeclarationFixtures.passwordHashes["outsider"]!)"}

        """

    /// Where the screenshots go: `$BERTH_SCREENSHOTS`, else `.build/console-screenshots` in the package. Last run's
    /// pictures (the pages', and `failed-STEP.png` of failed steps) are removed first, so a page this run never reached
    /// leaves none behind; other files in the folder are left alone.
    static func screenshotFolder() throws -> URL {
        let environment = ProcessInfo.processInfo.environment["BERTH_SCREENSHOTS"]
        let folder = environment.flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? TestEnvironment.packageRoot.appendingPathComponent(".build/console-screenshots")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let ours = Set(screenshots + ["image-vulnerabilities.png", "outsider-repositories.png", "outsider-overview.png"])
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path)
        where ours.contains(name) || ((name.hasPrefix("failed-") || name.hasPrefix("phone-")) && name.hasSuffix(".png")) {
            try FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
        return folder
    }

    /// The OSV records the vulnerable image matches (one high, one medium) and the examples' records, imported into the
    /// data folder before the server starts.
    static func importVulnerabilities(into data: URL, _ tmp: TemporaryDirectory) async throws {
        let folder = try tmp.subdirectory("osv")
        let examples = TestEnvironment.packageRoot.appendingPathComponent("examples/vulndb")
        for name in try FileManager.default.contentsOfDirectory(atPath: examples.path) where name.hasSuffix(".json") {
            try FileManager.default.copyItem(at: examples.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        for (id, json) in VulnerabilityCommandTests.records { try Data(json.utf8).write(to: folder.appendingPathComponent("\(id).json")) }
        try requireExit(try await berth(["vulndb", "import", folder.path, "--data", data.path]), 0, "import the vulnerability records")
    }

    /// Pushes a one-layer image built from `files` as the administrator, with `annotations` on its manifest; returns its digest.
    static func push(_ files: [String: Data], to repository: String, annotations: [String: String] = [:],
                     _ server: BerthProcess, _ tmp: TemporaryDirectory) async throws -> String {
        let layer = try await Layer.make(files: files, scratch: tmp.url)
        let config = Data(#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["\#(layer.diffID)"]},"config":{}}"#.utf8)
        let manifest = try encodeJSON(ImageManifest(
            mediaType: MediaType.ociManifest, config: Descriptor(mediaType: MediaType.ociConfig, data: config),
            layers: [layer.descriptor], annotations: annotations.isEmpty ? nil : annotations))
        try await RegistryClient.with(baseURL: server.baseURL, authorization: TestEnvironment.adminAuthorization) { client in
            try await client.pushBlob(repository, Array(config))
            try await client.pushBlob(repository, Array(layer.gzip))
            try await client.pushManifest(Array(manifest), mediaType: MediaType.ociManifest, to: repository, reference: "v1")
        }
        return sha256Digest(manifest)
    }

    struct Verdict: Decodable, CustomStringConvertible {
        struct Part: Decodable { var status: String }
        var status: String
        var vulnerabilities: Part?
        var reasons: [String]
        var description: String { "\(status), vulnerabilities \(vulnerabilities?.status ?? "none"): \(reasons)" }
    }

    /// Waits until `repository:v1` has the verdict `status` and its vulnerability check has ended.
    static func waitForVerdict(_ repository: String, _ status: String, _ server: BerthProcess) async throws {
        try await RegistryClient.with(baseURL: server.baseURL, authorization: TestEnvironment.adminAuthorization) { client in
            try await waitUntil("\(repository):v1 is \(status)", timeout: .seconds(30), server: server) { () async throws -> Poll<Void> in
                let response = try await client.request(.GET, "/admin/v1/verdicts?repository=\(repository)&reference=v1")
                guard response.status == 200 else { return .notYet("\(response.status) \(response.text)") }
                let verdict = try response.json(Verdict.self)
                let checked = verdict.vulnerabilities.map { $0.status != "pending" } ?? true
                return verdict.status == status && checked ? .done(()) : .notYet("\(verdict)")
            }
        }
    }

    struct Report: Decodable {
        struct Step: Decodable { var name: String; var ok: Bool; var detail: String }
        var steps: [Step]
    }

    @Test("a consumer, the administrator and an outsider walk the console in Chromium, and see what spec/console.md promises")
    func consoleInChromium() async throws {
        let tools = try BrowserTools.find()
        let screenshots = try Self.screenshotFolder()
        try await withTemporaryDirectory("console-browser") { tmp in
            let repo = try await DeclarationsRepo.create(at: tmp.url.appendingPathComponent("declarations"), withExamples: false)
            try repo.write("console.yaml", Self.declarations)
            // A fixed date makes the commit id, which several pages show, the same at every run.
            let commit = try await repo.commit("console fixtures", date: "2026-01-02T03:04:05Z")
            let data = tmp.url.appendingPathComponent("data")
            try await Self.importVulnerabilities(into: data, tmp)

            try await withServe(data: data, logs: tmp.url, [
                "--git", repo.path, "--ref", "main", "--git-cache", tmp.url.appendingPathComponent("git-cache").path, "--interval", "1h",
            ]) { server in
                let revision = try await withAdmin(server, secret: TestEnvironment.adminPassword) { admin in
                    _ = try await ServeReconcileTests.waitApplied(commit, admin, timeout: .seconds(20))
                    let revisions = try await admin.revisions(limit: 1)
                    let latest = try #require(revisions.first)
                    try #require(latest.source.commit == commit, "the latest revision applies \(commit): \(latest)")
                    return latest.id
                }

                let quarantined = try await Self.push(["etc/motd": Data("unsigned on purpose\n".utf8)], to: Self.signedRepository,
                                                      annotations: ["org.opencontainers.image.description": Self.hostileAnnotation], server, tmp)
                let vulnerable = try await Self.push(VulnerabilityCommandTests.files, to: Self.vulnerableRepository, server, tmp)
                try await Self.waitForVerdict(Self.signedRepository, "quarantined", server)
                try await Self.waitForVerdict(Self.vulnerableRepository, "released", server)

                let inputs: [String: Any] = [
                    "baseURL": server.baseURL.absoluteString, "chromium": tools.chromium, "chromedriver": tools.chromedriver,
                    "scratch": try tmp.subdirectory("browser").path, "screenshots": screenshots.path,
                    "consumer": "consumer", "outsider": "outsider",
                    "signedRepository": Self.signedRepository, "quarantinedTag": "v1", "quarantinedDigest": quarantined,
                    "requiredSigner": "release-pipeline",
                    "vulnerableRepository": Self.vulnerableRepository, "vulnerableDigest": vulnerable,
                    "suppressedFinding": "DEBIAN-CVE-2099-1001", "openFinding": "GHSA-aaaa-bbbb-cccc",
                    "exceptionName": Self.exceptionName,
                    "exceptionExpiry": [Self.exceptionExpiry, "15 July 2098", "July 15, 2098", "15 Jul 2098", "Jul 15, 2098"],
                    "revision": revision, "commit": commit,
                    "hostileDescription": Self.hostileDescription, "hostileAnnotation": Self.hostileAnnotation,
                    // The overview's counts: the outsider's leave out the repository they may not pull, and its quarantined image.
                    "consumerCounts": ["repositories": 2, "images": 2, "quarantined": 1],
                    "outsiderCounts": ["repositories": 1, "images": 1, "quarantined": 0],
                ]
                let inputFile = tmp.url.appendingPathComponent("console-browser.json")
                try JSONSerialization.data(withJSONObject: inputs, options: [.sortedKeys]).write(to: inputFile)
                let script = TestEnvironment.packageRoot.appendingPathComponent("Tests/IntegrationTests/Console/console_browser.py")
                // Passwords travel in the environment, never on the command line a failure message prints.
                let walk = try await runCommand(URL(fileURLWithPath: tools.python), [script.path, inputFile.path], environment: [
                    "BERTH_CONSOLE_PASSWORD_ADMIN": TestEnvironment.adminPassword,
                    "BERTH_CONSOLE_PASSWORD_CONSUMER": "consumer-password",
                    "BERTH_CONSOLE_PASSWORD_OUTSIDER": DeclarationFixtures.password("outsider"),
                    // Selenium Manager is never needed (the paths are given), and must not reach the network if it runs.
                    "SE_OFFLINE": "true", "SE_AVOID_STATS": "true",
                ], timeout: .seconds(120))

                guard let report = try? JSONDecoder().decode(Report.self, from: walk.stdout) else {
                    Issue.record("console_browser.py printed no report:\n\(walk.summary)")
                    return
                }
                for name in Self.steps {
                    let step = report.steps.first { $0.name == name }
                    #expect(step?.ok == true, "\(name): \(step?.detail ?? "not in the script's report")")
                }
                for step in report.steps where !Self.steps.contains(step.name) {
                    #expect(step.ok, "\(step.name): \(step.detail)")
                }
                // The steps above say what failed; this says how the script ended, with chromedriver's or Python's own words.
                #expect(walk.succeeded, "console_browser.py \(walk)\n\(tail(walk.stderrString, maxLines: 30))\n\(server.logTail(lines: 20))")
            }
            for name in Self.screenshots {
                let picture = try? Data(contentsOf: screenshots.appendingPathComponent(name))
                #expect(picture?.starts(with: [0x89, 0x50, 0x4E, 0x47]) == true, "no screenshot \(name) in \(screenshots.path)")
            }
        }
    }
}
