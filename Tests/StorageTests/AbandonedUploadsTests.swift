import Foundation
import Logging
import NIOCore
import OCI
import Storage
import TestSupport
import Testing

/// Staged uploads without a session: removed at once by a server alone on its stores, and only at the second sighting by
/// a sweep that another replica's upload in progress may be racing.
@Suite struct AbandonedUploadsTests {
    let logger = Logger(label: "berth-test")

    func stage(_ id: String, in blobs: FilesystemBlobStore) async throws {
        let writer = try await blobs.openUpload(id: id)
        try await writer.append(ByteBuffer(bytes: randomBytes(100)))
        try await writer.finish()
    }

    func withStores(_ body: (FilesystemBlobStore, SQLiteMetadataStore) async throws -> Void) async throws {
        try await withTemporaryDirectory { directory in
            let metadata = try SQLiteMetadataStore(path: directory.appendingPathComponent("metadata.sqlite").path)
            try await body(try FilesystemBlobStore(root: directory), metadata)
        }
    }

    @Test func atStartEveryUploadWithoutASessionGoesAndOnesWithASessionStay() async throws {
        try await withStores { blobs, metadata in
            try await stage("interrupted", in: blobs)
            try await metadata.createUpload(UploadSession(id: "chunked", repository: RepositoryName("team/app")!, startedAt: Date()))
            try await stage("chunked", in: blobs)
            try await AbandonedUploads.remove(blobs: blobs, metadata: metadata, logger: logger)
            #expect(try await blobs.allUploads() == ["chunked"])
        }
    }

    @Test func aSweepRemovesAnUploadOnlyWhenTheSweepBeforeFoundItWithoutASessionToo() async throws {
        try await withStores { blobs, metadata in
            try await stage("old", in: blobs)
            try await metadata.createUpload(UploadSession(id: "chunked", repository: RepositoryName("team/app")!, startedAt: Date()))
            try await stage("chunked", in: blobs)

            var suspects = try await AbandonedUploads.sweep(suspects: [], blobs: blobs, metadata: metadata, logger: logger)
            #expect(suspects == ["old"])
            #expect(Set(try await blobs.allUploads()) == ["old", "chunked"], "a first sighting removes nothing")

            // Another replica starts a single-request upload between the sweeps; "old" is still there.
            try await stage("in-flight", in: blobs)
            suspects = try await AbandonedUploads.sweep(suspects: suspects, blobs: blobs, metadata: metadata, logger: logger)
            #expect(suspects == ["in-flight"])
            #expect(Set(try await blobs.allUploads()) == ["in-flight", "chunked"])

            // The in-flight upload finished (its staged bytes became a blob) before the next sweep: nothing to remove.
            try await blobs.deleteUpload(id: "in-flight")
            suspects = try await AbandonedUploads.sweep(suspects: suspects, blobs: blobs, metadata: metadata, logger: logger)
            #expect(suspects.isEmpty)
            #expect(try await blobs.allUploads() == ["chunked"])
        }
    }
}
