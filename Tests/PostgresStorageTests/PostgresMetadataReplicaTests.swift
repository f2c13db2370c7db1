import Foundation
import Logging
import OCI
import PostgresStorage
import Storage
import TestSupport
import Testing

/// What several replicas writing one database must not break: each test runs two pools on one schema, two replicas.
@Suite(.timeLimit(.minutes(5))) struct PostgresMetadataReplicaTests {
    @Test func aFixedTagIsCreatedByExactlyOneOfManyRacingPushes() async throws {
        try await withReplicas { replicas in
            let repository = RepositoryName("race/fixed")!
            let tag = Tag("v1")!
            // The repository exists already, so the pushes do not queue behind the one creating its row.
            try await replicas[0].linkBlob(repository: repository, digest: Digest.compute([0]), size: 1)
            let failures = await withTaskGroup(of: (any Error)?.self) { group in
                for index in 0..<20 {
                    let put = ManifestPut(record: manifest(repository, "racer \(index)"), tags: [tag], blobs: [], manifests: [], fixedTags: [tag])
                    group.addTask { await failure { try await replicas[index % 2].putManifest(put) } }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(failures.filter { $0 == nil }.count == 1)
            for case let error? in failures { #expect(error as? MetadataError == .tagFixed(tag)) }
            let stored = try await replicas[1].manifest(repository: repository, reference: .tag(tag))
            #expect(try await replicas[0].manifests(repository: repository).map(\.digest) == stored.map { [$0.digest] })
        }
    }

    @Test func racingPushesNeverTakeUsagePastTheQuota() async throws {
        try await withReplicas { replicas in
            let repository = RepositoryName("race/quota")!
            let blobs = (0..<12).map { Digest.compute([UInt8($0)]) }
            for blob in blobs { try await replicas[0].linkBlob(repository: repository, digest: blob, size: 100) }
            // Each push references two blobs, one shared with its neighbour: what it adds depends on what landed first.
            let failures = await withTaskGroup(of: (any Error)?.self) { group in
                for index in blobs.indices {
                    let put = ManifestPut(record: manifest(repository, "image \(index)"), tags: [], blobs: [blobs[index], blobs[(index + 1) % blobs.count]],
                                          manifests: [], quota: 550)
                    group.addTask { await failure { try await replicas[index % 2].putManifest(put) } }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            for case let error? in failures {
                guard case MetadataError.quotaExceeded = error else { Issue.record(error, "only the quota refuses"); continue }
            }
            #expect(failures.contains { $0 == nil } && failures.contains { $0 != nil })
            let inventory = try await replicas[1].inventory()
            let referenced = Set(inventory.references.filter { !$0.isManifest }.map(\.target))
            let usage = try await replicas[0].usage(repository: repository)
            #expect(usage == Int64(referenced.count) * 100, "the usage kept equals the distinct blobs referenced")
            #expect(usage <= 550)
        }
    }

    @Test func aBlobIsNeverBothMarkedForDeletionAndLinked() async throws {
        try await withReplicas { replicas in
            let repository = RepositoryName("race/collect")!
            for round in 0..<40 {
                let digest = Digest.compute(Array("round \(round)".utf8))
                async let marked = replicas[0].beginBlobDeletion(digest)
                async let linking = failure { try await replicas[1].linkBlob(repository: repository, digest: digest, size: 1) }
                let (began, linkFailure) = try await (marked, linking)
                let linked = try await replicas[0].blobSize(repository: repository, digest: digest) != nil
                let marking = try await replicas[1].blobDeletionsInProgress().contains(digest)
                #expect(!(linked && marking), "round \(round): marked while linked")
                if began {
                    #expect(marking && linkFailure as? MetadataError == .blobCollected(digest), "round \(round): the marking won; the link must fail")
                } else {
                    #expect(linked && linkFailure == nil, "round \(round): the link won; the marking must be refused")
                }
                if marking { try await replicas[0].endBlobDeletion(digest) }
            }
        }
    }

    @Test func racingLinksAndCompletionsOfOneBlobAllSucceed() async throws {
        try await withReplicas { replicas in
            let repository = RepositoryName("race/upload")!
            for round in 0..<10 {
                let digest = Digest.compute(Array("blob \(round)".utf8))
                let uploads = (0..<6).map { UploadSession(id: "round \(round) upload \($0)", repository: repository, startedAt: Date()) }
                for upload in uploads { try await replicas[0].createUpload(upload) }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (index, upload) in uploads.enumerated() {
                        group.addTask { try await replicas[index % 2].completeUpload(id: upload.id, digest: digest, size: 7) }
                        group.addTask { try await replicas[(index + 1) % 2].linkBlob(repository: repository, digest: digest, size: 7) }
                    }
                    try await group.waitForAll()
                }
                #expect(try await replicas[1].blobSize(repository: repository, digest: digest) == 7)
                for upload in uploads { #expect(try await replicas[0].upload(id: upload.id) == nil) }
            }
        }
    }
}

/// Runs `body` with two stores on one fresh schema, each through its own pool, as two replicas would be.
private func withReplicas(_ body: ([PostgresMetadataStore]) async throws -> Void) async throws {
    let schema = PostgresTestSchemas.uniqueName("replicas")
    var databases: [PostgresDatabase] = []
    do {
        for _ in 0..<2 { databases.append(try await PostgresTestSchemas.open(schema: schema)) }
        try await body(databases.map { PostgresMetadataStore(database: $0) })
    } catch {
        for database in databases { await database.shutdown() }
        throw error
    }
    for database in databases { await database.shutdown() }
}

/// What `operation` threw; nil when it succeeded.
private func failure(_ operation: () async throws -> Void) async -> (any Error)? {
    do {
        try await operation()
        return nil
    } catch {
        return error
    }
}

private func manifest(_ repository: RepositoryName, _ text: String) -> ManifestRecord {
    let content = Array(text.utf8)
    return ManifestRecord(repository: repository, digest: Digest.compute(content), mediaType: MediaType.ociManifest, content: content)
}
