import Declarations
import Enforcement
import Foundation
import NIOCore
import OCI
import Storage
import TestSupport
import Testing

/// Among replicas, the one that took a push scans its layers and tells the others. Here that replica died before it
/// could: this policy learned of the image from the shared stores (`changedElsewhere`), so it waits, pending, until
/// `resumeScans` (the `scan-recovery` lease holder's job) scans the layer here.
@Suite struct ScanRecoveryTests {
    static let declarations = """
        apiVersion: berth.dev/v1alpha1
        kind: Tier
        metadata: {name: scanned}
        spec: {description: "Secrets scanned and blocking, the default."}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: Repository
        metadata: {name: "team/*"}
        spec: {tier: scanned}
        """

    /// Commits `bytes` as a blob of `repository` the way another replica's push would have: no scan starts here.
    func storeBlob(_ bytes: [UInt8], in repository: RepositoryName, _ stores: EmbeddedStores) async throws -> Digest {
        let id = UUID().uuidString
        let writer = try await stores.blobs.openUpload(id: id)
        try await writer.append(ByteBuffer(bytes: bytes))
        try await writer.finish()
        let digest = Digest.compute(bytes)
        try await stores.blobs.commitUpload(id: id, as: digest)
        try await stores.metadata.linkBlob(repository: repository, digest: digest, size: Int64(bytes.count))
        return digest
    }

    @Test func anImageWhoseScanNoReplicaFinishedIsScannedByResumeScansAndReleased() async throws {
        let loaded = DeclarationLoader().load([DeclarationFile(path: "policy.yaml", contents: Data(Self.declarations.utf8))])
        try #require(loaded.errors.isEmpty, "\(loaded.errors)")
        try await withTemporaryDirectory { folder in
            let stores = try EmbeddedStores(dataDirectory: folder)
            let scans = LayerScans(limits: .standard, blobs: stores.blobs, store: stores.metadata, workers: 1)
            let policy = DeclaredPolicy(blobs: stores.blobs, metadata: stores.metadata, scans: scans, scanWait: .zero)
            await policy.configurationChanged(to: loaded.state)

            let repository = RepositoryName("team/app")!
            let layerBytes = tarArchive([(path: "app/readme.txt", contents: Array("nothing secret here\n".utf8))])
            let layer = try await storeBlob(layerBytes, in: repository, stores)
            let configBytes = Array(#"{"architecture":"amd64","os":"linux"}"#.utf8)
            let config = try await storeBlob(configBytes, in: repository, stores)
            let content = imageManifest(config: (config, configBytes.count), layers: [(layer, layerBytes.count)])
            let record = ManifestRecord(repository: repository, digest: Digest.compute(content), mediaType: MediaType.ociManifest, content: content)
            try await stores.metadata.putManifest(ManifestPut(record: record, tags: [Tag("v1")!], blobs: [config, layer], manifests: []))
            let key = ManifestKey(repository: repository, digest: record.digest)

            await policy.changedElsewhere(repository, record.digest)
            #expect(policy.imagesAwaitingScans == [key])
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await policy.verdict(repository: repository, reference: .digest(record.digest))?.status == .quarantined,
                    "the replica that learned of the image does not scan it on its own")
            #expect(try await stores.metadata.layerScan(of: layer, scanner: nil) == nil)

            await policy.resumeScans(of: policy.imagesAwaitingScans)
            var status: Verdict.Status?
            for _ in 0..<300 {
                status = try await policy.verdict(repository: repository, reference: .digest(record.digest))?.status
                if status == .released { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(status == .released)
            #expect(policy.imagesAwaitingScans.isEmpty)
            #expect(try await stores.metadata.layerScan(of: layer, scanner: nil) != nil, "the scan's report is stored for every replica")
        }
    }
}
