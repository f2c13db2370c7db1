import Foundation
import OCI
import Storage
import TestSupport
import Testing

/// A database written before usage was kept gets its usage computed once, when it is first opened.
@Suite struct UsageBackfillTests {
    @Test func usageIsComputedOnceForADatabaseThatHasNone() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("metadata.sqlite").path
            let repository = RepositoryName("team/app")!
            let blobs = [(Digest.compute([1]), Int64(700)), (Digest.compute([2]), Int64(300))]
            do {
                let store = try SQLiteMetadataStore(path: path)
                for (digest, size) in blobs { try await store.linkBlob(repository: repository, digest: digest, size: size) }
                let content = Array("image".utf8)
                try await store.putManifest(ManifestPut(
                    record: ManifestRecord(repository: repository, digest: Digest.compute(content), mediaType: MediaType.ociManifest, content: content),
                    tags: [], blobs: blobs.map(\.0), manifests: []))
                #expect(try await store.usage(repository: repository) == 1000)
            }
            // As an older berth left it: the references, and no usage table.
            _ = try run(try python3(with: "sqlite3"), ["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('DROP TABLE repository_usage'); c.commit()", path])
            let reopened = try SQLiteMetadataStore(path: path)
            #expect(try await reopened.usage() == [repository: 1000])
        }
    }
}
