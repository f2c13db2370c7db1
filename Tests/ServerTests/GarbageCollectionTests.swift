import Foundation
import OCI
import Server
import TestSupport
import Testing

/// Online garbage collection through the server: what no manifest references goes after the grace, what is referenced
/// stays, and a push that names a collected blob fails cleanly while a new upload of it works.
@Suite struct ServerGarbageCollectionTests {
    @Test func collectedBlobsAreGoneReferencedOnesStayAndPushesAfterwardsAreClean() async throws {
        try await withServer(adjust: { $0.garbageCollectionGrace = 0 }) { client, server in
            let loose = randomBytes(2048)
            let looseDigest = try await client.pushBlob("team/app", loose)
            let image = try await client.pushImage("team/app", tag: "v1")
            let deleted = try await client.pushImage("team/app", tag: "old", layer: randomBytes(4096))
            #expect(try await client.request(.DELETE, "/v2/team/app/manifests/\(deleted.digest)").status == 202)

            let run = try await client.request(.POST, "/admin/v1/gc")
            #expect(run.status == 200, "\(run.text)")
            struct Report: Decodable { var blobsDeleted: Int; var bytesReclaimed: Int64 }
            let report = try JSONDecoder().decode(Report.self, from: Data(run.body))
            #expect(report.blobsDeleted == 2 && report.bytesReclaimed == 2048 + 4096, "the loose blob and the deleted image's layer: \(run.text)")
            #expect(try await client.request(.HEAD, "/v2/team/app/blobs/\(looseDigest)").status == 404)
            #expect(try await client.request(.GET, "/v2/team/app/manifests/v1").status == 200)
            let manifest = try await client.request(.GET, "/v2/team/app/manifests/\(image.digest)")
            #expect(manifest.status == 200)

            // A manifest naming the collected blob is refused, not stored with a missing blob.
            let config = Array(#"{"architecture":"amd64","os":"linux"}"#.utf8)
            let naming = imageManifest(config: (Digest.compute(config), config.count), layers: [(looseDigest, loose.count)])
            let refused = try await client.request(.PUT, "/v2/team/app/manifests/again", headers: [("Content-Type", MediaType.ociManifest)], body: naming)
            #expect(refused.status == 400 && refused.errorCode == "MANIFEST_BLOB_UNKNOWN", "\(refused.text)")
            // Uploaded again, it links and the manifest lands.
            #expect(try await client.pushBlob("team/app", loose) == looseDigest)
            let landed = try await client.request(.PUT, "/v2/team/app/manifests/again", headers: [("Content-Type", MediaType.ociManifest)], body: naming)
            #expect(landed.status == 201, "\(landed.text)")
            #expect(try await client.request(.GET, "/v2/team/app/blobs/\(looseDigest)").body == loose)

            let metrics = try await client.request(.GET, "/metrics", headers: [("Authorization", "-")]).text
            #expect(metrics.contains("berth_gc_blobs_deleted_total 2") && metrics.contains("berth_gc_bytes_reclaimed_total 6144"), "\(metrics)")
        }
    }

    @Test func aMountOfACollectedBlobBecomesAnUpload() async throws {
        try await withServer(adjust: { $0.garbageCollectionGrace = 0 }) { client, server in
            let bytes = randomBytes(1024)
            let digest = try await client.pushBlob("team/source", bytes)
            #expect(try await client.request(.POST, "/admin/v1/gc").status == 200)
            let mount = try await client.request(.POST, "/v2/team/target/blobs/uploads/?mount=\(digest)&from=team/source")
            #expect(mount.status == 202, "nothing to mount any more: an upload session instead (\(mount.status))")
            #expect(try await client.request(.HEAD, "/v2/team/target/blobs/\(digest)").status == 404)
        }
    }
}
