import Foundation
import OCI
import Storage
import TestSupport
import Testing

/// The contract every `MetadataStore` must honour, as checks any driver can run against itself.
///
/// `makeStore` is called with a new empty folder for each check, and again with the same folder where a check
/// reopens the store (as after a restart); the store it returns must then see what the first one wrote.
public struct MetadataStoreConformance: Sendable {
    public typealias MakeStore = @Sendable (URL) async throws -> any MetadataStore

    private let makeStore: MakeStore

    public init(makeStore: @escaping MakeStore) { self.makeStore = makeStore }

    public var allChecks: [ConformanceCheck] {
        [
            ConformanceCheck("linksAndUnlinksBlobs", linksAndUnlinksBlobs),
            ConformanceCheck("refusesManifestsWithMissingReferencesAndStoresNothing", refusesManifestsWithMissingReferencesAndStoresNothing),
            ConformanceCheck("tagsAreSortedPagedMovedAndDeleted", tagsAreSortedPagedMovedAndDeleted),
            ConformanceCheck("listsTheTagsPointingAtAManifest", listsTheTagsPointingAtAManifest),
            ConformanceCheck("fixedTagsAreCreatedButNeverMoved", fixedTagsAreCreatedButNeverMoved),
            ConformanceCheck("listsReferrersOfASubject", listsReferrersOfASubject),
            ConformanceCheck("listsTheManifestsOfARepository", listsTheManifestsOfARepository),
            ConformanceCheck("accountsUsageAndEnforcesTheQuotaAtomically", accountsUsageAndEnforcesTheQuotaAtomically),
            ConformanceCheck("describesContentsWithPushAndPullTimes", describesContentsWithPushAndPullTimes),
            ConformanceCheck("retentionDeletesOnlyWhatIsStillAsPlanned", retentionDeletesOnlyWhatIsStillAsPlanned),
            ConformanceCheck("garbageCollectionUnlinksAfterTheGraceAndMarksRefuseLinks", garbageCollectionUnlinksAfterTheGraceAndMarksRefuseLinks),
            ConformanceCheck("listsRepositoriesInOrder", listsRepositoriesInOrder),
            ConformanceCheck("summarisesEveryRepository", summarisesEveryRepository),
            ConformanceCheck("uploadSessionsCompleteIntoLinks", uploadSessionsCompleteIntoLinks),
            ConformanceCheck("concurrentWritesAllLandAndFailuresStayIsolated", concurrentWritesAllLandAndFailuresStayIsolated),
            ConformanceCheck("survivesReopening", survivesReopening),
        ]
    }

    /// Runs every check; each failure is recorded as an issue of the running test, naming its check.
    public func run() async { await allChecks.run() }

    private func repo(_ name: String) -> RepositoryName { RepositoryName(name)! }

    private func manifest(_ repository: RepositoryName, _ text: String, subject: Digest? = nil, artifactType: String? = nil) -> ManifestRecord {
        let content = Array(text.utf8)
        return ManifestRecord(repository: repository, digest: Digest.compute(content), mediaType: MediaType.ociManifest,
                              content: content, subject: subject, artifactType: artifactType)
    }

    public func linksAndUnlinksBlobs() async throws {
        let check: Comment = "MetadataStoreConformance.linksAndUnlinksBlobs"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            let digest = Digest.compute([1])
            #expect(try await store.blobSize(repository: repo("a"), digest: digest) == nil, check)
            try await store.linkBlob(repository: repo("a"), digest: digest, size: 1)
            try await store.linkBlob(repository: repo("a"), digest: digest, size: 1)
            #expect(try await store.blobSize(repository: repo("a"), digest: digest) == 1, check)
            #expect(try await store.blobSize(repository: repo("b"), digest: digest) == nil, check)
            try await store.linkBlob(repository: repo("c/d"), digest: digest, size: 1)
            try await store.linkBlob(repository: repo("b"), digest: Digest.compute([2]), size: 1)
            #expect(try await store.repositoriesHolding(blob: digest) == [repo("a"), repo("c/d")], check)
            try await store.linkBlob(repository: repo("b"), digest: digest, size: 1)
            #expect(try await store.repositoriesHolding(blob: digest) == [repo("a"), repo("b"), repo("c/d")], check)
            #expect(try await store.unlinkBlob(repository: repo("b"), digest: digest), check)
            #expect(try await store.repositoriesHolding(blob: Digest.compute([3])).isEmpty, check)
            #expect(try await store.unlinkBlob(repository: repo("a"), digest: digest), check)
            #expect(try await !store.unlinkBlob(repository: repo("a"), digest: digest), check)
            #expect(try await store.blobSize(repository: repo("a"), digest: digest) == nil, check)
        }
    }

    public func refusesManifestsWithMissingReferencesAndStoresNothing() async throws {
        let check: Comment = "MetadataStoreConformance.refusesManifestsWithMissingReferencesAndStoresNothing"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            let repository = repo("team/app")
            let config = Digest.compute([1])
            let layer = Digest.compute([2])
            try await store.linkBlob(repository: repository, digest: config, size: 1)
            let record = manifest(repository, "m1")
            await #expect(throws: MetadataError.missingReferences([layer]), check) {
                try await store.putManifest(ManifestPut(record: record, tags: [Tag("v1")!], blobs: [config, layer], manifests: []))
            }
            #expect(try await store.manifest(repository: repository, reference: .digest(record.digest)) == nil, check)
            #expect(try await store.tags(repository: repository, after: nil, limit: nil) == [], check)

            try await store.linkBlob(repository: repository, digest: layer, size: 1)
            try await store.putManifest(ManifestPut(record: record, tags: [Tag("v1")!], blobs: [config, layer], manifests: []))
            #expect(try await store.manifest(repository: repository, reference: .tag(Tag("v1")!)) == record, check)
            #expect(try await store.manifest(repository: repository, reference: .digest(record.digest)) == record, check)

            let index = manifest(repository, "index")
            let missingChild = Digest.compute([9])
            await #expect(throws: MetadataError.missingReferences([missingChild]), check) {
                try await store.putManifest(ManifestPut(record: index, tags: [], blobs: [], manifests: [record.digest, missingChild]))
            }
            try await store.putManifest(ManifestPut(record: index, tags: [], blobs: [], manifests: [record.digest]))
        }
    }

    public func tagsAreSortedPagedMovedAndDeleted() async throws {
        let check: Comment = "MetadataStoreConformance.tagsAreSortedPagedMovedAndDeleted"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            let repository = repo("r")
            #expect(try await store.tags(repository: repository, after: nil, limit: nil) == nil, check)
            let first = manifest(repository, "one")
            let second = manifest(repository, "two")
            try await store.putManifest(ManifestPut(record: first, tags: ["b", "a", "c"].map { Tag($0)! }, blobs: [], manifests: []))
            try await store.putManifest(ManifestPut(record: second, tags: [Tag("B")!], blobs: [], manifests: []))
            #expect(try await store.tags(repository: repository, after: nil, limit: nil) == ["B", "a", "b", "c"], check)
            #expect(try await store.tags(repository: repository, after: "a", limit: 2) == ["b", "c"], check)
            try await store.putManifest(ManifestPut(record: second, tags: [Tag("a")!], blobs: [], manifests: []))
            #expect(try await store.manifest(repository: repository, reference: .tag(Tag("a")!))?.digest == second.digest, check)
            #expect(try await store.deleteTag(repository: repository, tag: Tag("a")!), check)
            #expect(try await !store.deleteTag(repository: repository, tag: Tag("a")!), check)
            #expect(try await store.deleteManifest(repository: repository, digest: first.digest), check)
            #expect(try await store.tags(repository: repository, after: nil, limit: nil) == ["B"], check)
            #expect(try await !store.deleteManifest(repository: repository, digest: first.digest), check)
        }
    }

    public func listsTheTagsPointingAtAManifest() async throws {
        let check: Comment = "MetadataStoreConformance.listsTheTagsPointingAtAManifest"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            let repository = repo("r")
            let first = manifest(repository, "one")
            let second = manifest(repository, "two")
            try await store.putManifest(ManifestPut(record: first, tags: ["v2", "latest", "v1"].map { Tag($0)! }, blobs: [], manifests: []))
            try await store.putManifest(ManifestPut(record: second, tags: [Tag("v3")!], blobs: [], manifests: []))
            try await store.putManifest(ManifestPut(record: manifest(repo("other"), "one"), tags: [Tag("elsewhere")!], blobs: [], manifests: []))
            #expect(try await store.tags(repository: repository, pointingAt: first.digest).map(\.value) == ["latest", "v1", "v2"], check)
            try await store.putManifest(ManifestPut(record: second, tags: [Tag("latest")!], blobs: [], manifests: []))
            #expect(try await store.tags(repository: repository, pointingAt: first.digest).map(\.value) == ["v1", "v2"], check)
            #expect(try await store.tags(repository: repository, pointingAt: second.digest).map(\.value) == ["latest", "v3"], check)
            #expect(try await store.tags(repository: repository, pointingAt: Digest.compute([9])).isEmpty, check)
        }
    }

    /// A fixed tag may be created and re-put with the same manifest; moving it throws `tagFixed` and stores nothing of
    /// that put, checked in the writing transaction so concurrent puts cannot both move it.
    public func fixedTagsAreCreatedButNeverMoved() async throws {
        let check: Comment = "MetadataStoreConformance.fixedTagsAreCreatedButNeverMoved"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            let repository = repo("r")
            let v1 = Tag("v1")!
            let first = manifest(repository, "one")
            try await store.putManifest(ManifestPut(record: first, tags: [v1], blobs: [], manifests: [], fixedTags: [v1]))
            try await store.putManifest(ManifestPut(record: first, tags: [v1], blobs: [], manifests: [], fixedTags: [v1]))
            let second = manifest(repository, "two")
            await #expect(throws: MetadataError.tagFixed(v1), check) {
                try await store.putManifest(ManifestPut(record: second, tags: [v1, Tag("other")!], blobs: [], manifests: [], fixedTags: [v1]))
            }
            #expect(try await store.manifest(repository: repository, reference: .tag(v1))?.digest == first.digest, check)
            #expect(try await store.manifest(repository: repository, reference: .digest(second.digest)) == nil, check)
            #expect(try await store.tags(repository: repository, after: nil, limit: nil) == ["v1"], check)

            let racers = (0..<6).map { manifest(repository, "racer \($0)") }
            let v2 = Tag("v2")!
            let stored = await withTaskGroup(of: Bool.self) { group in
                for racer in racers {
                    group.addTask { (try? await store.putManifest(ManifestPut(record: racer, tags: [v2], blobs: [], manifests: [], fixedTags: [v2]))) != nil }
                }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(stored == 1, "\(check): exactly one concurrent put creates a fixed tag")
        }
    }

    public func listsReferrersOfASubject() async throws {
        let check: Comment = "MetadataStoreConformance.listsReferrersOfASubject"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            let repository = repo("r")
            let subject = manifest(repository, "subject")
            let signature = manifest(repository, "sig", subject: subject.digest, artifactType: "application/vnd.dev.cosign")
            let sbom = manifest(repository, "sbom", subject: subject.digest, artifactType: "application/spdx+json")
            for record in [signature, sbom] {
                try await store.putManifest(ManifestPut(record: record, tags: [], blobs: [], manifests: []))
            }
            let referrers = try await store.referrers(repository: repository, subject: subject.digest)
            #expect(Set(referrers.map(\.digest)) == [signature.digest, sbom.digest], check)
            #expect(Set(referrers.compactMap(\.artifactType)) == ["application/vnd.dev.cosign", "application/spdx+json"], check)
            #expect(try await store.referrers(repository: repo("other"), subject: subject.digest).isEmpty, check)
        }
    }

    public func listsTheManifestsOfARepository() async throws {
        let check: Comment = "MetadataStoreConformance.listsTheManifestsOfARepository"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            let repository = repo("r")
            let image = manifest(repository, "image")
            let signature = manifest(repository, "sig", subject: image.digest, artifactType: "application/vnd.dev.cosign.artifact.sig.v1+json")
            let elsewhere = manifest(repo("other"), "elsewhere")
            for record in [image, signature, elsewhere] {
                try await store.putManifest(ManifestPut(record: record, tags: [], blobs: [], manifests: []))
            }
            let listed = try await store.manifests(repository: repository)
            #expect(listed == [image, signature].sorted { $0.digest.description < $1.digest.description }, check)
            #expect(try await store.manifests(repository: repo("none")).isEmpty, check)
            #expect(try await store.deleteManifest(repository: repository, digest: image.digest), check)
            #expect(try await store.manifests(repository: repository) == [signature], check)
        }
    }

    public func listsRepositoriesInOrder() async throws {
        let check: Comment = "MetadataStoreConformance.listsRepositoriesInOrder"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            for name in ["c", "a/b", "b", "a"] {
                try await store.linkBlob(repository: repo(name), digest: Digest.compute([1]), size: 1)
            }
            #expect(try await store.repositories(after: nil, limit: nil).map(\.value) == ["a", "a/b", "b", "c"], check)
            #expect(try await store.repositories(after: "a/b", limit: 1).map(\.value) == ["b"], check)
        }
    }

    public func summarisesEveryRepository() async throws {
        let check: Comment = "MetadataStoreConformance.summarisesEveryRepository"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            let app = repo("team/app")
            let first = manifest(app, "first")
            let second = manifest(app, "second")
            let before = Date()
            try await store.putManifest(ManifestPut(record: first, tags: [Tag("v1")!, Tag("latest")!], blobs: [], manifests: []))
            try await store.putManifest(ManifestPut(record: second, tags: [Tag("v2")!], blobs: [], manifests: []))
            try await store.linkBlob(repository: repo("blobs-only"), digest: Digest.compute([1]), size: 1)
            let summaries = try await store.repositorySummaries()
            #expect(summaries.map(\.name.value) == ["blobs-only", "team/app"], check)
            #expect(summaries.map(\.tags) == [0, 3] && summaries.map(\.manifests) == [0, 2], check)
            #expect(summaries.first?.lastPush == nil, check)
            // Stores may keep push times to the second.
            #expect(summaries.last?.lastPush.map { $0.timeIntervalSince(before) > -2 && $0.timeIntervalSinceNow < 2 } == true, check)
            #expect(try await store.deleteTag(repository: app, tag: Tag("latest")!), check)
            #expect(try await store.repositorySummaries().last?.tags == 2, check)
        }
    }

    public func uploadSessionsCompleteIntoLinks() async throws {
        let check: Comment = "MetadataStoreConformance.uploadSessionsCompleteIntoLinks"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            let session = UploadSession(id: "u1", repository: repo("r"), startedAt: Date(timeIntervalSince1970: 1_700_000_000))
            try await store.createUpload(session)
            #expect(try await store.upload(id: "u1") == session, check)
            let digest = Digest.compute([7])
            try await store.completeUpload(id: "u1", digest: digest, size: 1)
            #expect(try await store.upload(id: "u1") == nil, check)
            #expect(try await store.blobSize(repository: repo("r"), digest: digest) == 1, check)
            await #expect(throws: MetadataError.unknownUpload("u1"), check) {
                try await store.completeUpload(id: "u1", digest: digest, size: 1)
            }
            try await store.createUpload(UploadSession(id: "u2", repository: repo("r"), startedAt: Date()))
            #expect(try await store.deleteUpload(id: "u2"), check)
            #expect(try await !store.deleteUpload(id: "u2"), check)
        }
    }

    public func concurrentWritesAllLandAndFailuresStayIsolated() async throws {
        let check: Comment = "MetadataStoreConformance.concurrentWritesAllLandAndFailuresStayIsolated"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            let repository = repo("busy")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<300 {
                    group.addTask {
                        if index % 10 == 0 {
                            // Fails inside the same batches as its neighbours; must not undo them.
                            let orphan = ManifestRecord(repository: repository, digest: Digest.compute(Array("bad\(index)".utf8)),
                                                        mediaType: MediaType.ociManifest, content: Array("bad\(index)".utf8))
                            await #expect(throws: MetadataError.self, check) {
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
            #expect(inventory.blobLinks.count == 270, check)
            #expect(inventory.manifests.isEmpty, check)
            #expect(try await store.tags(repository: repository, after: nil, limit: nil) == [], check)
        }
    }

    public func accountsUsageAndEnforcesTheQuotaAtomically() async throws {
        let check: Comment = "MetadataStoreConformance.accountsUsageAndEnforcesTheQuotaAtomically"
        try await withTemporaryDirectory { directory in
            let (r, s) = (repo("r"), repo("s"))
            let (a, b, c) = (Digest.compute([1]), Digest.compute([2]), Digest.compute([3]))
            func image(_ repository: RepositoryName, _ name: String, _ blobs: [Digest], quota: Int64? = nil) -> ManifestPut {
                ManifestPut(record: manifest(repository, name), tags: [], blobs: blobs, manifests: [], quota: quota)
            }
            do {
                let store = try await makeStore(directory)
                for (repository, digest, size) in [(r, a, Int64(100)), (r, b, 50), (r, c, 30), (s, a, 100)] {
                    try await store.linkBlob(repository: repository, digest: digest, size: size)
                }
                #expect(try await store.usage(repository: r) == 0, check.with("linked but unreferenced blobs use nothing"))
                try await store.putManifest(image(r, "m1", [a, b]))
                try await store.putManifest(image(r, "m1", [a, b]))
                try await store.putManifest(image(r, "m2", [a]))
                try await store.putManifest(image(s, "m3", [a]))
                #expect(try await store.usage(repository: r) == 150, check.with("distinct blobs count once; a re-put adds nothing"))
                #expect(try await store.usage(repository: s) == 100, check.with("a shared blob counts in each repository"))

                do {
                    try await store.putManifest(image(r, "m4", [c, a], quota: 170))
                    Issue.record(check.with("a put past the quota was stored"))
                } catch MetadataError.quotaExceeded(let used, let adding) {
                    #expect(used == 150 && adding == 30, check)
                }
                #expect(try await store.manifest(repository: r, reference: .digest(manifest(r, "m4").digest)) == nil, check.with("a refused put stores nothing"))
                #expect(try await store.usage(repository: r) == 150, check)
                // A re-put that references nothing new passes even over the quota (it would throw here otherwise).
                try await store.putManifest(image(r, "m2", [a], quota: 10))
                try await store.putManifest(image(r, "m4", [c, a], quota: 180))
                #expect(try await store.usage(repository: r) == 180, check)

                #expect(try await store.deleteManifest(repository: r, digest: manifest(r, "m1").digest), check)
                #expect(try await store.usage(repository: r) == 130, check.with("b is no longer referenced; a still is"))
                #expect(try await store.unlinkBlob(repository: r, digest: c), check)
                #expect(try await store.usage(repository: r) == 100, check.with("an unlinked blob no longer counts"))
            }
            let reopened = try await makeStore(directory)
            #expect(try await reopened.usage() == [r: 100, s: 100], check)
        }
    }

    public func describesContentsWithPushAndPullTimes() async throws {
        let check: Comment = "MetadataStoreConformance.describesContentsWithPushAndPullTimes"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            let repository = repo("r")
            let child = manifest(repository, "child")
            let indexContent = Array("index".utf8)
            let index = ManifestRecord(repository: repository, digest: Digest.compute(indexContent), mediaType: MediaType.ociIndex, content: indexContent)
            let signature = manifest(repository, "sig", subject: child.digest, artifactType: "application/vnd.dev.cosign.artifact.sig.v1+json")
            let before = Date(timeIntervalSinceNow: -2)
            try await store.putManifest(ManifestPut(record: child, tags: [Tag("v1")!], blobs: [], manifests: []))
            try await store.putManifest(ManifestPut(record: index, tags: [Tag("multi")!, Tag("latest")!], blobs: [], manifests: [child.digest]))
            try await store.putManifest(ManifestPut(record: signature, tags: [], blobs: [], manifests: []))
            let pulled = Date(timeIntervalSince1970: 1_800_000_000)
            try await store.recordPulls([
                ManifestPull(repository: repository, digest: child.digest, at: pulled),
                ManifestPull(repository: repository, digest: child.digest, at: pulled.addingTimeInterval(-60)),
                ManifestPull(repository: repository, digest: Digest.compute([9]), at: pulled),
            ])
            let contents = try await store.contents(repository: repository)
            #expect(contents.tags.map(\.tag.value) == ["latest", "multi", "v1"], check)
            #expect(contents.tags.first { $0.tag.value == "v1" }?.digest == child.digest, check)
            #expect(contents.tags.allSatisfy { $0.pushedAt >= before.addingTimeInterval(-1) && $0.pushedAt <= Date().addingTimeInterval(1) }, check)
            let byDigest = Dictionary(uniqueKeysWithValues: contents.manifests.map { ($0.digest, $0) })
            #expect(byDigest.count == 3, check)
            #expect(byDigest[child.digest]?.pulledAt == pulled, check.with("the latest pull wins, whatever the order it arrives in"))
            #expect(byDigest[index.digest]?.pulledAt == nil && byDigest[index.digest]?.children == [child.digest], check)
            #expect(byDigest[signature.digest]?.subject == child.digest, check)
            #expect(try await store.contents(repository: repo("none")) == RepositoryContents(tags: [], manifests: []), check)
        }
    }

    public func retentionDeletesOnlyWhatIsStillAsPlanned() async throws {
        let check: Comment = "MetadataStoreConformance.retentionDeletesOnlyWhatIsStillAsPlanned"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            let repository = repo("r")
            let (old, moved, retagged, child, kept) = (manifest(repository, "old"), manifest(repository, "moved"), manifest(repository, "retagged"),
                                                       manifest(repository, "child"), manifest(repository, "kept"))
            func index(_ name: String) -> ManifestRecord {
                let content = Array(name.utf8)
                return ManifestRecord(repository: repository, digest: Digest.compute(content), mediaType: MediaType.ociIndex, content: content)
            }
            let (doomedIndex, keptIndex) = (index("doomed-index"), index("kept-index"))
            try await store.linkBlob(repository: repository, digest: Digest.compute([7]), size: 40)
            try await store.putManifest(ManifestPut(record: old, tags: [Tag("v1")!], blobs: [Digest.compute([7])], manifests: []))
            try await store.putManifest(ManifestPut(record: moved, tags: [Tag("v2")!], blobs: [], manifests: []))
            try await store.putManifest(ManifestPut(record: retagged, tags: [], blobs: [], manifests: []))
            for record in [child, kept] { try await store.putManifest(ManifestPut(record: record, tags: [], blobs: [], manifests: [])) }
            try await store.putManifest(ManifestPut(record: doomedIndex, tags: [], blobs: [], manifests: [child.digest]))
            try await store.putManifest(ManifestPut(record: keptIndex, tags: [Tag("stay")!], blobs: [], manifests: [kept.digest]))
            // Since the plan: v2 moved to another manifest, and the untagged one got a tag.
            try await store.putManifest(ManifestPut(record: old, tags: [Tag("v2")!], blobs: [], manifests: []))
            try await store.putManifest(ManifestPut(record: retagged, tags: [Tag("new")!], blobs: [], manifests: []))
            #expect(try await store.usage(repository: repository) == 40, check)

            let deleted = try await store.deleteUnreferenced(
                repository: repository, tags: [Tag("v1")!: old.digest, Tag("v2")!: moved.digest],
                manifests: [child.digest, doomedIndex.digest, retagged.digest, kept.digest, moved.digest])
            #expect(deleted.tags == [Tag("v1")!], check.with("v2 points elsewhere now, so it stays"))
            #expect(Set(deleted.manifests) == [child.digest, doomedIndex.digest, moved.digest],
                    check.with("an index and the child only it listed go; a re-tagged manifest and a kept index's child stay"))
            #expect(try await store.manifest(repository: repository, reference: .tag(Tag("v2")!))?.digest == old.digest, check)
            #expect(try await store.manifest(repository: repository, reference: .digest(retagged.digest)) != nil, check)
            #expect(try await store.manifest(repository: repository, reference: .digest(kept.digest)) != nil, check)
            #expect(try await store.usage(repository: repository) == 40, check.with("old is still tagged v2, so its blob still counts"))
        }
    }

    public func garbageCollectionUnlinksAfterTheGraceAndMarksRefuseLinks() async throws {
        let check: Comment = "MetadataStoreConformance.garbageCollectionUnlinksAfterTheGraceAndMarksRefuseLinks"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            let repository = repo("r")
            let (loose, used) = (Digest.compute([1]), Digest.compute([2]))
            try await store.linkBlob(repository: repository, digest: loose, size: 1)
            try await store.linkBlob(repository: repository, digest: used, size: 1)
            try await store.putManifest(ManifestPut(record: manifest(repository, "image"), tags: [], blobs: [used], manifests: []))
            #expect(try await store.unlinkUnreferencedBlobs(linkedBefore: Date(timeIntervalSinceNow: -3600), dryRun: false)
                    == UnlinkedBlobs(links: 0, orphaned: []), check.with("a fresh link is within the grace"))
            #expect(try await store.unlinkUnreferencedBlobs(linkedBefore: Date(timeIntervalSinceNow: 5), dryRun: true)
                    == UnlinkedBlobs(links: 1, orphaned: [loose]), check)
            #expect(try await store.linkedBlobDigests() == [loose, used], check.with("a dry run removes nothing"))
            try await store.linkBlob(repository: repo("other"), digest: used, size: 1)
            #expect(try await store.unlinkUnreferencedBlobs(linkedBefore: Date(timeIntervalSinceNow: 5), dryRun: false)
                    == UnlinkedBlobs(links: 2, orphaned: [loose]),
                    check.with("other's link of used goes too, but r's manifest still references used"))
            #expect(try await store.linkedBlobDigests() == [used], check.with("a referenced link stays"))

            #expect(try await store.beginBlobDeletion(used) == false, check.with("a linked blob is never marked"))
            #expect(try await store.beginBlobDeletion(loose), check)
            #expect(try await store.blobDeletionsInProgress() == [loose], check)
            await #expect(throws: MetadataError.blobCollected(loose), check.with("a marked blob cannot be linked")) {
                try await store.linkBlob(repository: repo("other"), digest: loose, size: 1)
            }
            try await store.createUpload(UploadSession(id: "u", repository: repository, startedAt: Date()))
            await #expect(throws: MetadataError.blobCollected(loose), check.with("nor completed as an upload")) {
                try await store.completeUpload(id: "u", digest: loose, size: 1)
            }
            try await store.endBlobDeletion(loose)
            await #expect(throws: MetadataError.blobCollected(loose), check.with("a link whose file is gone is refused")) {
                try await store.completeUpload(id: "u", digest: loose, size: 1, ifPresent: { false })
            }
            try await store.completeUpload(id: "u", digest: loose, size: 1, ifPresent: { true })
            #expect(try await store.blobSize(repository: repository, digest: loose) == 1, check.with("once the file is back, it links"))
        }
    }

    public func survivesReopening() async throws {
        let check: Comment = "MetadataStoreConformance.survivesReopening"
        try await withTemporaryDirectory { directory in
            let repository = repo("durable")
            let record = manifest(repository, "kept")
            do {
                let store = try await makeStore(directory)
                try await store.putManifest(ManifestPut(record: record, tags: [Tag("latest")!], blobs: [], manifests: []))
                try await store.createUpload(UploadSession(id: "pending", repository: repository, startedAt: Date(timeIntervalSince1970: 5)))
            }
            let reopened = try await makeStore(directory)
            #expect(try await reopened.manifest(repository: repository, reference: .tag(Tag("latest")!)) == record, check)
            #expect(try await reopened.upload(id: "pending")?.repository == repository, check)
        }
    }
}

