import Foundation
import Logging
import PostgresStorage
import Synchronization
import TestSupport

/// Schemas of the test process's PostgreSQL server: one per conformance check, named from the folder the check hands
/// its factory, so every check starts empty and a store opened again on the same folder (a restart) sees what the first
/// one wrote. One pool per schema, shared by every store opened on it, so reopening does not pile up connections.
enum PostgresTestSchemas {
    private static let pools = Mutex<[String: Task<PostgresDatabase, any Error>]>([:])

    /// The shared pool of `folder`'s schema.
    static func database(for folder: URL) async throws -> PostgresDatabase {
        let schema = schemaName(for: folder)
        let task = pools.withLock { pools in
            if let task = pools[schema] { return task }
            let task = Task { try await open(schema: schema) }
            pools[schema] = task
            return task
        }
        return try await task.value
    }

    /// A pool of its own on `schema`: what one replica holds. Two on one schema are two replicas sharing a database.
    static func open(schema: String) async throws -> PostgresDatabase {
        let server = try await RealServers.postgres()
        return try await PostgresDatabase(address: PostgresAddress(server.url + "?sslmode=disable&schema=" + schema), maximumConnections: 4,
                                          logger: Logger(label: "berth.postgres-tests"))
    }

    /// A fresh schema name for a test that opens its own pools.
    static func uniqueName(_ prefix: String) -> String { "\(prefix)_\(UInt64.random(in: 0...UInt64.max))" }

    /// `check_` and the FNV-1a hash of the folder's path, in hex: a schema name, the same for the same folder.
    static func schemaName(for folder: URL) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in folder.standardizedFileURL.path.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return "check_" + String(hash, radix: 16)
    }
}
