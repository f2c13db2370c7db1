import Foundation
import S3Storage
import TestSupport

/// What replicas of one scale-out registry share, on the tests' real servers: a fresh PostgreSQL schema, a fresh S3
/// bucket, a credentials file, and a declarations folder every replica reconciles from.
struct ScaleOutCluster {
    let directory: URL
    let metadata: String
    let blobs: String
    let credentialsFile: URL
    let declarations: URL

    /// Without `creatingBucket`, the bucket is left for `berth migrate` to create.
    static func make(in directory: URL, creatingBucket: Bool = true) async throws -> ScaleOutCluster {
        let postgres = try await RealServers.postgres()
        let s3 = try await RealServers.s3()
        let name = "replicas\(UInt32.random(in: 0...UInt32.max))"
        let blobs = "s3://\(name)?endpoint=\(s3.endpoint)&region=\(s3.region)"
        let credentials = S3Credentials(accessKeyID: s3.accessKey, secretAccessKey: s3.secretKey)
        if creatingBucket {
            let store = try S3BlobStore(address: try S3Address(blobs), credentials: credentials)
            try await store.createBucketIfMissing()
            try await store.shutdown()
        }
        let credentialsFile = directory.appendingPathComponent("s3-credentials")
        FileManager.default.createFile(atPath: credentialsFile.path, contents: Data("access_key_id=\(s3.accessKey)\nsecret_access_key=\(s3.secretKey)\n".utf8),
                                       attributes: [.posixPermissions: 0o600])
        let declarations = directory.appendingPathComponent("declarations")
        try FileManager.default.createDirectory(at: declarations, withIntermediateDirectories: true)
        return ScaleOutCluster(directory: directory, metadata: postgres.url + "?sslmode=disable&schema=\(name)", blobs: blobs,
                               credentialsFile: credentialsFile, declarations: declarations)
    }

    var storeArguments: [String] { ["--metadata", metadata, "--blobs", blobs, "--blobs-credentials-file", credentialsFile.path] }

    /// A replica: its own (empty) data folder, the shared stores, reconciling the declarations every second.
    func start(_ name: String) async throws -> BerthProcess {
        try await BerthProcess.start(dataDirectory: directory.appendingPathComponent("replica-\(name)"), logDirectory: directory,
                                     extraArguments: storeArguments + ["--declarations", declarations.path, "--interval", "1s"])
    }

    /// One tier (anonymous pulls of released images; secrets scanned and blocking, its default) and the repositories
    /// `team/app` and `team/other` in it, with `immutableTags` when given; written whole, then renamed, so a reconcile
    /// never reads half of it.
    func declare(immutableTags: [String]?) throws {
        let tags = immutableTags.map { "\n  immutableTags: [\($0.map { "\"\($0)\"" }.joined(separator: ", "))]" } ?? ""
        let yaml = """
            apiVersion: berth.dev/v1alpha1
            kind: Tier
            metadata:
              name: shared
            spec:
              description: The replicas test's tier.
              anonymousPull: true\(tags)
            ---
            apiVersion: berth.dev/v1alpha1
            kind: Repository
            metadata:
              name: "team/*"
            spec:
              tier: shared

            """
        let file = declarations.appendingPathComponent("registry.yaml")
        let temporary = declarations.appendingPathComponent(".registry.yaml.tmp")
        try Data(yaml.utf8).write(to: temporary)
        guard rename(temporary.path, file.path) == 0 else { throw ToolFailure("cannot write \(file.path)") }
    }

    /// How many `configuration-apply` records the shared audit chain holds, read through `replica`.
    func configurationApplies(through replica: BerthProcess) async throws -> Int {
        try await RegistryClient.with(baseURL: replica.baseURL, authorization: replica.adminAuthorization) { client in
            let answer = try await client.request(.GET, "/admin/v1/audit?since=0&limit=10000&action=configuration-apply")
            guard answer.status == 200 else { throw ToolFailure("audit query: \(answer.status) \(String(decoding: answer.body, as: UTF8.self))") }
            return String(decoding: answer.body, as: UTF8.self).split(separator: "\n").count
        }
    }

    func fsck() async throws -> CommandResult {
        try await runCommand(TestEnvironment.berthBinary, ["fsck"] + storeArguments, timeout: .seconds(120))
    }
}

extension BerthProcess {
    /// Whether this replica's log says it took the lease of `job` (and it still runs).
    func holdsLease(_ job: String) -> Bool {
        isRunning && stderr.split(separator: "\n").contains { $0.contains("lease taken") && $0.contains("job=\(job)") }
    }
}
