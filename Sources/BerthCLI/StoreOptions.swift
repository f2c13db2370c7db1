import ArgumentParser
import Foundation
import Logging
import PostgresStorage
import S3Storage
import Server
import Storage

/// Where a command finds the registry's stores: the data folder (the embedded default), or PostgreSQL and S3-compatible
/// storage shared by replicas (spec/scale-out.md). Passwords and keys never come from the command line.
struct StoreOptions: ParsableArguments {
    @Option(help: """
        Keep metadata in PostgreSQL instead of the data folder: postgres://USER@HOST:PORT/DATABASE[?schema=NAME&sslmode=disable|prefer|require]. \
        The password comes from PGPASSWORD or --metadata-password-file. Needs --blobs.
        """)
    var metadata: String?

    @Option(help: "File holding the PostgreSQL password (else PGPASSWORD).")
    var metadataPasswordFile: String?

    @Option(help: """
        Keep blobs in S3-compatible storage instead of the data folder: s3://BUCKET[/PREFIX]?endpoint=URL&region=REGION. Credentials \
        come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or --blobs-credentials-file. Needs --metadata.
        """)
    var blobs: String?

    @Option(help: "File holding the S3 credentials (see spec/scale-out.md for its format; else the AWS_* environment variables).")
    var blobsCredentialsFile: String?

    var isScaleOut: Bool { metadata != nil || blobs != nil }

    func validate() throws {
        guard (metadata == nil) == (blobs == nil) else {
            throw ValidationError("--metadata and --blobs go together: replicas share both their metadata and their blobs")
        }
    }

    /// The scale-out stores; nil for the embedded default (neither option given). With `creatingBucket`, the bucket is
    /// created when missing (`berth migrate`); a server expects it.
    func sharedStores(logger: Logger, creatingBucket: Bool = false) async throws -> BerthStores? {
        guard let metadata, let blobs else { return nil }
        let address: PostgresAddress
        let blobAddress: S3Address
        do {
            address = try PostgresAddress(metadata)
            blobAddress = try S3Address(blobs)
        } catch {
            throw ValidationError("\(error)")
        }
        let credentials = try blobsCredentialsFile.map { try S3Credentials.fromFile($0) } ?? S3Credentials.fromEnvironment()
        let blobStore = try S3BlobStore(address: blobAddress, credentials: credentials, logger: logger)
        let database: PostgresDatabase
        do {
            do {
                if creatingBucket { try await blobStore.createBucketIfMissing() } else { try await blobStore.checkBucket() }
            } catch {
                throw ValidationError("\(blobAddress) cannot be used: \(error)")
            }
            database = try await Self.connecting(to: address, password: try password(), logger: logger)
        } catch {
            try? await blobStore.shutdown()
            throw error
        }
        let coordination = PostgresCoordination(database: database, logger: logger)
        let metadataStore = PostgresMetadataStore(database: database)
        return BerthStores(blobs: blobStore, database: metadataStore, audit: PostgresAuditStore(database: database),
                           coordination: coordination, consoleSessions: metadataStore, close: {
                               await coordination.shutdown()
                               try? await blobStore.shutdown()
                               await database.shutdown()
                           })
    }

    /// How long a command waits for the metadata database to accept a connection and migrate.
    static let startLimit: Duration = .seconds(60)

    /// The database, or a clear error: the pool tries to connect again and again, for ever, so an unreachable server, a
    /// wrong password or a missing database would otherwise hang the command without a word.
    private static func connecting(to address: PostgresAddress, password: String?, logger: Logger) async throws -> PostgresDatabase {
        try await withThrowingTaskGroup(of: PostgresDatabase?.self) { group in
            group.addTask { try await PostgresDatabase(address: address, password: password, logger: logger) }
            group.addTask {
                try await Task.sleep(for: startLimit)
                return nil
            }
            defer { group.cancelAll() }
            guard let database = try await group.next() ?? nil else {
                throw ValidationError("""
                    PostgreSQL at \(address) accepted no connection within \(startLimit); the PostgresNIO log lines above \
                    say why (refused, authentication, an unknown database)
                    """)
            }
            return database
        }
    }

    private func password() throws -> String? {
        if let metadataPasswordFile {
            guard let text = try? String(contentsOfFile: metadataPasswordFile, encoding: .utf8) else {
                throw ValidationError("--metadata-password-file \(metadataPasswordFile): unreadable")
            }
            return text.trimmingCharacters(in: .newlines)
        }
        return ProcessInfo.processInfo.environment["PGPASSWORD"]
    }
}
