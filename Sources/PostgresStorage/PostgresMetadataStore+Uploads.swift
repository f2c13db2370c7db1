import Foundation
import OCI
import PostgresNIO
import Storage

/// Upload sessions: what survives a restart of an upload besides its bytes in the blob store.
extension PostgresMetadataStore {
    public func createUpload(_ session: UploadSession) async throws {
        try await rows("""
            INSERT INTO uploads (id, repository, started_at) VALUES (\(session.id), \(session.repository.value), \(session.startedAt))
            """)
    }

    public func upload(id: String) async throws -> UploadSession? {
        guard let row = try await rows("SELECT repository, started_at FROM uploads WHERE id = \(id)").first else { return nil }
        let (repository, startedAt) = try row.decode((String, Date).self)
        return RepositoryName(repository).map { UploadSession(id: id, repository: $0, startedAt: startedAt) }
    }

    public func completeUpload(id: String, digest: Digest, size: Int64, ifPresent isPresent: @escaping @Sendable () -> Bool) async throws {
        try await write { transaction in
            // Deleting the session first claims it: a second completion of the same id waits for this one, then finds
            // nothing. A refused link rolls the deletion back, so the session stays.
            guard let repository = try await transaction.rows("DELETE FROM uploads WHERE id = \(id) RETURNING repository").first
                .flatMap({ RepositoryName(try $0.decode(String.self)) })
            else { throw MetadataError.unknownUpload(id) }
            try await transaction.requireLinkable(digest, isPresent: isPresent)
            try await transaction.link(repository: repository, digest: digest, size: size)
        }
    }

    public func deleteUpload(id: String) async throws -> Bool {
        try await !rows("DELETE FROM uploads WHERE id = \(id) RETURNING 1").isEmpty
    }
}
