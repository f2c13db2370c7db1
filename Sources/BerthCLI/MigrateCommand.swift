import ArgumentParser
import Crypto
import Foundation
import Logging
import Server
import Storage

/// `berth migrate`: an embedded registry's data folder copied into the scale-out stores, then checked with fsck.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy an embedded registry (a data folder) into PostgreSQL and S3-compatible storage, then check the copy. Stop the server first.")

    @Option(help: "The data folder to copy from (it is only read).")
    var from: String

    @Option(name: .customLong("to-metadata"), help: "The PostgreSQL address to copy into (see berth serve --metadata); it must hold no registry yet.")
    var toMetadata: String

    @Option(name: .customLong("to-blobs"), help: "The S3 address to copy into (see berth serve --blobs); the bucket is created when missing.")
    var toBlobs: String

    @Option(help: "File holding the PostgreSQL password (else PGPASSWORD).")
    var metadataPasswordFile: String?

    @Option(help: "File holding the S3 credentials (else the AWS_* environment variables).")
    var blobsCredentialsFile: String?

    func run() async throws {
        let folder = URL(fileURLWithPath: from)
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("metadata.sqlite").path) else {
            throw ValidationError("--from \(from) holds no Berth data (no metadata.sqlite)")
        }
        let logger = Logger(label: "berth")
        var options = try StoreOptions.parse([])
        options.metadata = toMetadata
        options.metadataPasswordFile = metadataPasswordFile
        options.blobs = toBlobs
        options.blobsCredentialsFile = blobsCredentialsFile
        guard let target = try await options.sharedStores(logger: logger, creatingBucket: true) else { return }
        do {
            try await migrate(from: folder, to: target)
        } catch {
            await target.close()
            throw error
        }
        await target.close()
    }

    private func migrate(from folder: URL, to target: BerthStores) async throws {
        let embedded = try EmbeddedStores(dataDirectory: folder)
        let audit = try SegmentedAuditStore(folder: folder.appendingPathComponent("audit"), readOnly: true)
        // The same keys, so tokens already issued stay valid and the copied checkpoints verify with the key people kept.
        for (name, path) in [("token-signing-key", "token-signing-key.pem"), ("audit-key", "audit/audit-key.pem")] {
            guard let pem = try? String(contentsOf: folder.appendingPathComponent(path), encoding: .utf8) else { continue }
            if try await target.coordination.sharedKey(named: name, create: { pem }) != pem {
                print("warning: the target already had its own \(name); the data folder's was not copied")
            }
        }
        let migration = StoreMigration(from: .init(blobs: embedded.blobs, database: embedded.metadata, audit: audit),
                                       to: .init(blobs: target.blobs, database: target.database, audit: target.audit))
        let report = try await migration.run { step in print(step) }
        print("copied \(report)")
        let check = try await IntegrityCheck.run(blobs: target.blobs, metadata: target.database)
        for problem in check.problems { print("error: \(problem)") }
        print("fsck of the copy: \(check.blobsChecked) blobs (\(check.bytesChecked) bytes) and \(check.manifestsChecked) manifests: \(check.isClean ? "clean" : "\(check.problems.count) problem(s)")")
        if !check.isClean { throw ExitCode(1) }
    }
}
