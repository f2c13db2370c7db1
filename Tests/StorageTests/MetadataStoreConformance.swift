import Foundation
import OCI
import Storage
import TestSupport
import Testing

/// The contract every `MetadataStore` must honour.
@Suite struct MetadataStoreConformance {
    func manifest(_ repository: RepositoryName, _ text: String, subject: Digest? = nil, artifactType: String? = nil) -> ManifestRecord {
        let content = Array(text.utf8)
        return ManifestRecord(repository: repository, digest: Digest.compute(content), mediaType: MediaType.ociManifest,
                              content: content, subject: subject, artifactType: artifactType)
    }

    @Test(arguments: MetadataDriver.allCases)
    func linksAndUnlinksBlobs(driver: MetadataDriver) async throws {
        try await withTemporaryDirectory { directory in
            let store = try driver.make(in: directory)
            let digest = Digest.compute([1])
            #expect(try await store.blobSize(repository: repo("a"), digest: digest) == nil)
            try await store.linkBlob(repository: repo("a"), digest: digest, size: 1)
            try await store.linkBlob(repository: repo("a"), digest: digest, size: 1)
            #expect(try await store.blobSize(repository: repo("a"), digest: digest) == 1)
            #expect(try await store.blobSize(repository: repo("b"), digest: digest) == nil)
            try await store.linkBlob(repository: repo("c/d"), digest: digest, size: 1)
            try await store.linkBlob(repository: repo("b"), digest: Digest.compute([2]), size: 1)
            #expect(try await store.repositoriesHolding(blob: digest) == [repo("a"), repo("c/d")])
            try await store.linkBlob(repository: repo("b"), digest: digest, size: 1)
            #expect(try await store.repositoriesHolding(blob: digest) == [repo("a"), repo("b"), repo("c/d")])
            #expect(try await store.unlinkBlob(repository: repo("b"), digest: digest))
            #expect(try await store.repositoriesHolding(blob: Digest.compute([3])).isEmpty)
            #expect(try await store.unlinkBlob(repository: repo("a"), digest: digest))
            #expect(try await !store.unlinkBlob(repository: repo("a"), digest: digest))
            #expect(try await store.blobSize(repository: repo("a"), digest: digest) == nil)
        }
    }

    @Test(arguments: MetadataDriver.allCases)
    func refusesManifestsWithMissingReferencesAndStoresNothing(driver: MetadataDriver) async throws {
        try await withTemporaryDirectory { directory in
            let store = try driver.make(in: directory)
            let repository = repo("team/app")
            let config = Digest.compute([1])
            let layer = Digest.compute([2])
            try await store.linkBlob(repository: repository, digest: config, size: 1)
            let record = manifest(repository, "m1")
            await #expect(throws: MetadataError.missingReferences([layer])) {
                try await store.putManifest(ManifestPut(record: record, tags: [Tag("v1")!], blobs: [config, layer], manifests: []))
            }
            #expect(try await store.manifest(repository: repository, reference: .digest(record.digest)) == nil)
            #expect(try await store.tags(repository: repository, after: nil, limit: nil) == [])

            try await store.linkBlob(repository: repository, digest: layer, size: 1)
            try await store.putManifest(ManifestPut(record: record, tags: [Tag("v1")!], blobs: [config, layer], manifests: []))
            #expect(try await store.manifest(repository: repository, reference: .tag(Tag("v1")!)) == record)
            #expect(try await store.manifest(repository: repository, reference: .digest(record.digest)) == record)

            let index = manifest(repository, "index")
            let missingChild = Digest.compute([9])
            await #expect(throws: MetadataError.missingReferences([missingChild])) {
                try await store.putManifest(ManifestPut(record: index, tags: [], blobs: [], manifests: [record.digest, missingChild]))
            }
            try await store.putManifest(ManifestPut(record: index, tags: [], blobs: [], manifests: [record.digest]))
        }
    }

    @Test(arguments: MetadataDriver.allCases)
    func tagsAreSortedPagedMovedAndDeleted(driver: MetadataDriver) async throws {
        try await withTemporaryDirectory { directory in
            let store = try driver.make(in: directory)
            let repository = repo("r")
            #expect(try await store.tags(repository: repository, after: nil, limit: nil) == nil)
            let first = manifest(repository, "one")
            let second = manifest(repository, "two")
            try await store.putManifest(ManifestPut(record: first, tags: ["b", "a", "c"].map { Tag($0)! }, blobs: [], manifests: []))
            try await store.putManifest(ManifestPut(record: second, tags: [Tag("B")!], blobs: [], manifests: []))
            #expect(try await store.tags(repository: repository, after: nil, limit: nil) == ["B", "a", "b", "c"])
            #expect(try await store.tags(repository: repository, after: "a", limit: 2) == ["b", "c"])
            try await store.putManifest(ManifestPut(record: second, tags: [Tag("a")!], blobs: [], manifests: []))
            #expect(try await store.manifest(repository: repository, reference: .tag(Tag("a")!))?.digest == second.digest)
            #expect(try await store.deleteTag(repository: repository, tag: Tag("a")!))
            #expect(try await !store.deleteTag(repository: repository, tag: Tag("a")!))
            #expect(try await store.deleteManifest(repository: repository, digest: first.digest))
            #expect(try await store.tags(repository: repository, after: nil, limit: nil) == ["B"])
            #expect(try await !store.deleteManifest(repository: repository, digest: first.digest))
        }
    }

    @Test(arguments: MetadataDriver.allCases)
    func listsReferrersOfASubject(driver: MetadataDriver) async throws {
        try await withTemporaryDirectory { directory in
            let store = try driver.make(in: directory)
            let repository = repo("r")
            let subject = manifest(repository, "subject")
            let signature = manifest(repository, "sig", subject: subject.digest, artifactType: "application/vnd.dev.cosign")
            let sbom = manifest(repository, "sbom", subject: subject.digest, artifactType: "application/spdx+json")
            for record in [signature, sbom] {
                try await store.putManifest(ManifestPut(record: record, tags: [], blobs: [], manifests: []))
            }
            let referrers = try await store.referrers(repository: repository, subject: subject.digest)
            #expect(Set(referrers.map(\.digest)) == [signature.digest, sbom.digest])
            #expect(Set(referrers.compactMap(\.artifactType)) == ["application/vnd.dev.cosign", "application/spdx+json"])
            #expect(try await store.referrers(repository: repo("other"), subject: subject.digest).isEmpty)
        }
    }

    @Test(arguments: MetadataDriver.allCases)
    func listsRepositoriesInOrder(driver: MetadataDriver) async throws {
        try await withTemporaryDirectory { directory in
            let store = try driver.make(in: directory)
            for name in ["c", "a/b", "b", "a"] {
                try await store.linkBlob(repository: repo(name), digest: Digest.compute([1]), size: 1)
            }
            #expect(try await store.repositories(after: nil, limit: nil).map(\.value) == ["a", "a/b", "b", "c"])
            #expect(try await store.repositories(after: "a/b", limit: 1).map(\.value) == ["b"])
        }
    }

    @Test(arguments: MetadataDriver.allCases)
    func uploadSessionsCompleteIntoLinks(driver: MetadataDriver) async throws {
        try await withTemporaryDirectory { directory in
            let store = try driver.make(in: directory)
            let session = UploadSession(id: "u1", repository: repo("r"), startedAt: Date(timeIntervalSince1970: 1_700_000_000))
            try await store.createUpload(session)
            #expect(try await store.upload(id: "u1") == session)
            let digest = Digest.compute([7])
            try await store.completeUpload(id: "u1", digest: digest, size: 1)
            #expect(try await store.upload(id: "u1") == nil)
            #expect(try await store.blobSize(repository: repo("r"), digest: digest) == 1)
            await #expect(throws: MetadataError.unknownUpload("u1")) {
                try await store.completeUpload(id: "u1", digest: digest, size: 1)
            }
            try await store.createUpload(UploadSession(id: "u2", repository: repo("r"), startedAt: Date()))
            #expect(try await store.deleteUpload(id: "u2"))
            #expect(try await !store.deleteUpload(id: "u2"))
        }
    }

    @Test(arguments: MetadataDriver.allCases)
    func concurrentWritesAllLandAndFailuresStayIsolated(driver: MetadataDriver) async throws {
        try await withTemporaryDirectory { directory in
            let store = try driver.make(in: directory)
            let repository = repo("busy")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<300 {
                    group.addTask {
                        if index % 10 == 0 {
                            // Fails inside the same batches as its neighbours; must not undo them.
                            let orphan = ManifestRecord(repository: repository, digest: Digest.compute(Array("bad\(index)".utf8)),
                                                        mediaType: MediaType.ociManifest, content: Array("bad\(index)".utf8))
                            await #expect(throws: MetadataError.self) {
                                try await store.putManifest(ManifestPut(record: orphan, tags: [Tag("bad\(index)")!], blobs: [Digest.compute([0xff])], manifests: []))
                            }
                        } else {
                            try await store.linkBlob(repository: repository, digest: Digest.compute(Array("\(index)".utf8)), size: Int64(index))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let inventory = try await store.inventory()
            #expect(inventory.blobLinks.count == 270)
            #expect(inventory.manifests.isEmpty)
            #expect(try await store.tags(repository: repository, after: nil, limit: nil) == [])
        }
    }

    @Test(arguments: MetadataDriver.allCases)
    func survivesReopening(driver: MetadataDriver) async throws {
        try await withTemporaryDirectory { directory in
            let repository = repo("durable")
            let record = manifest(repository, "kept")
            do {
                let store = try driver.make(in: directory)
                try await store.putManifest(ManifestPut(record: record, tags: [Tag("latest")!], blobs: [], manifests: []))
                try await store.createUpload(UploadSession(id: "pending", repository: repository, startedAt: Date(timeIntervalSince1970: 5)))
            }
            let reopened = try driver.make(in: directory)
            #expect(try await reopened.manifest(repository: repository, reference: .tag(Tag("latest")!)) == record)
            #expect(try await reopened.upload(id: "pending")?.repository == repository)
        }
    }
}
