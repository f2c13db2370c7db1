import Crypto
import Foundation
import Storage

/// The stores one server runs on: the embedded default's data folder, or the shared stores of scale-out replicas
/// (PostgreSQL and S3, opened by `berth serve --metadata … --blobs …`), with how replicas coordinate.
public struct BerthStores: Sendable {
    public var blobs: any BlobStore
    public var database: any RegistryDatabase
    public var audit: any AuditStore
    public var coordination: any ReplicaCoordination
    /// Who is signed in to the console: in memory for one server, shared by replicas.
    public var consoleSessions: any ConsoleSessionStore
    /// Closes connections when the server stops.
    public var close: @Sendable () async -> Void

    public init(blobs: any BlobStore, database: any RegistryDatabase, audit: any AuditStore, coordination: any ReplicaCoordination,
                consoleSessions: any ConsoleSessionStore, close: @escaping @Sendable () async -> Void) {
        self.blobs = blobs
        self.database = database
        self.audit = audit
        self.coordination = coordination
        self.consoleSessions = consoleSessions
        self.close = close
    }

    /// The data folder's stores: filesystem blobs, SQLite, and audit segments under `audit/`.
    public static func embedded(dataDirectory: URL, auditSegmentBytes: Int = SegmentedAuditStore.defaultSegmentBytes) async throws -> BerthStores {
        let stores = try EmbeddedStores(dataDirectory: dataDirectory)
        let audit = try SegmentedAuditStore(folder: dataDirectory.appendingPathComponent("audit"), segmentBytes: auditSegmentBytes)
        await audit.compressClosedSegments()
        return BerthStores(blobs: stores.blobs, database: stores.metadata, audit: audit, coordination: SingleReplica(),
                           consoleSessions: MemoryConsoleSessionStore(), close: {})
    }

    /// The replicas' shared key that signs audit checkpoints (created by whichever asks first); nil for one replica,
    /// whose key is in its data folder (`AuditKey`).
    public func sharedAuditKey() async throws -> Curve25519.Signing.PrivateKey? {
        try await coordination.sharedKey(named: "audit-key", create: { Curve25519.Signing.PrivateKey().pemRepresentation })
            .map { try Curve25519.Signing.PrivateKey(pemRepresentation: $0) }
    }
}
