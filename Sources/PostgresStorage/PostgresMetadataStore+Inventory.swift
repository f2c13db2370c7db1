import Foundation
import OCI
import PostgresNIO
import Storage

/// Every stored fact `fsck` cross-checks against the blob store, read in one snapshot.
extension PostgresMetadataStore {
    public func inventory() async throws -> MetadataInventory {
        try await snapshot { transaction in
            var unreadable: [String] = []
            /// Decodes every row of a query, recording the ones that do not read back (a bad name or digest) instead of
            /// dropping them silently.
            func rows<Value>(_ table: String, _ query: PostgresQuery, _ decode: (PostgresRow) throws -> Value?) async throws -> [Value] {
                var values: [Value] = []
                for row in try await transaction.rows(query) {
                    if let value = try decode(row) {
                        values.append(value)
                    } else {
                        unreadable.append("\(table): unreadable row \(row.map { (try? $0.decode(String.self)) ?? "?" })")
                    }
                }
                return values
            }
            let links = try await rows("repository_blobs", "SELECT repository, digest, size FROM repository_blobs ORDER BY repository, digest") { row in
                let (repository, digest, size) = try row.decode((String, String, Int64).self)
                guard let repository = RepositoryName(repository), let digest = Digest(digest) else { return nil as MetadataInventory.Link? }
                return MetadataInventory.Link(repository: repository, digest: digest, size: size)
            }
            // The repository after the manifest's columns, which `decodeManifest` reads from the start of the row.
            let manifests = try await rows("manifests", """
                SELECT \(unescaped: Self.manifestColumns), repository FROM manifests ORDER BY repository, digest
                """) { row in
                try row.dropFirst(6).first.flatMap { RepositoryName(try $0.decode(String.self)) }
                    .flatMap { try Self.decodeManifest(row, repository: $0) }
            }
            let references = try await rows("manifest_references", "SELECT repository, manifest, target, is_manifest FROM manifest_references") { row in
                let (repository, manifest, target, isManifest) = try row.decode((String, String, String, Bool).self)
                guard let repository = RepositoryName(repository), let manifest = Digest(manifest), let target = Digest(target) else {
                    return nil as MetadataInventory.ManifestReference?
                }
                return MetadataInventory.ManifestReference(repository: repository, manifest: manifest, target: target, isManifest: isManifest)
            }
            let tags = try await rows("tags", "SELECT repository, name, digest FROM tags") { row in
                let (repository, name, digest) = try row.decode((String, String, String).self)
                guard let repository = RepositoryName(repository), let digest = Digest(digest) else { return nil as MetadataInventory.TagEntry? }
                return MetadataInventory.TagEntry(repository: repository, tag: name, digest: digest)
            }
            let uploads = try await rows("uploads", "SELECT id, repository, started_at FROM uploads") { row in
                let (id, repository, startedAt) = try row.decode((String, String, Date).self)
                return RepositoryName(repository).map { UploadSession(id: id, repository: $0, startedAt: startedAt) }
            }
            return MetadataInventory(blobLinks: links, manifests: manifests, references: references, tags: tags, uploads: uploads, unreadable: unreadable)
        }
    }
}
