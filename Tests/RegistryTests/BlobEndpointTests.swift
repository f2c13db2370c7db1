import Foundation
import OCI
import TestSupport
import Testing

@Suite struct BlobEndpointTests {
    @Test func versionCheckAnswersWithTheAPIVersion() async throws {
        try await withRegistry { client in
            for path in ["/v2/", "/v2"] {
                let response = try await client.request(.GET, path)
                #expect(response.status == 200)
                #expect(response["Docker-Distribution-API-Version"] == "registry/2.0")
            }
        }
    }

    @Test func monolithicUploadThenHeadAndGet() async throws {
        try await withRegistry { client in
            let bytes = randomBytes(10_000)
            let digest = try await client.pushBlob("team/app", bytes)
            let head = try await client.request(.HEAD, "/v2/team/app/blobs/\(digest)")
            #expect(head.status == 200)
            #expect(head["Content-Length"] == "10000")
            #expect(head["Docker-Content-Digest"] == digest.description)
            #expect(head.body.isEmpty)
            let get = try await client.request(.GET, "/v2/team/app/blobs/\(digest)")
            #expect(get.status == 200)
            #expect(get.body == bytes)
            let elsewhere = try await client.request(.GET, "/v2/other/blobs/\(digest)")
            #expect(elsewhere.status == 404)
            #expect(elsewhere.errorCode == "BLOB_UNKNOWN")
        }
    }

    @Test func singleRequestUploadWithDigest() async throws {
        try await withRegistry { client in
            let bytes = randomBytes(3000)
            let digest = Digest.compute(bytes)
            let response = try await client.request(.POST, "/v2/r/blobs/uploads/?digest=\(digest)", headers: [("Content-Type", "application/octet-stream")], body: bytes)
            #expect(response.status == 201)
            #expect(response["Location"] == "/v2/r/blobs/\(digest)")
            #expect(try await client.request(.GET, "/v2/r/blobs/\(digest)").body == bytes)
        }
    }

    @Test func emptyBlobUploads() async throws {
        try await withRegistry { client in
            let digest = try await client.pushBlob("r", [])
            let get = try await client.request(.GET, "/v2/r/blobs/\(digest)")
            #expect(get.status == 200)
            #expect(get.body.isEmpty)
            #expect(get["Content-Length"] == "0")
        }
    }

    @Test func digestMismatchIsRejectedAndNothingIsStored() async throws {
        try await withRegistry { client in
            let start = try await client.request(.POST, "/v2/r/blobs/uploads/")
            let wrong = Digest.compute([1, 2, 3])
            let response = try await client.request(.PUT, appendQuery(start["Location"]!, "digest=\(wrong)"), body: [9, 9, 9])
            #expect(response.status == 400)
            #expect(response.errorCode == "DIGEST_INVALID")
            #expect(try await client.request(.HEAD, "/v2/r/blobs/\(wrong)").status == 404)
            let actual = Digest.compute([9, 9, 9])
            #expect(try await client.request(.HEAD, "/v2/r/blobs/\(actual)").status == 404)
            let malformed = try await client.request(.PUT, appendQuery(start["Location"]!, "digest=sha256:xyz"), body: [1])
            #expect(malformed.status == 400 || malformed.status == 404)
        }
    }

    @Test func finalPutWithoutDigestIsRejected() async throws {
        try await withRegistry { client in
            let start = try await client.request(.POST, "/v2/r/blobs/uploads/")
            let response = try await client.request(.PUT, start["Location"]!, body: [1])
            #expect(response.status == 400)
            #expect(response.errorCode == "DIGEST_INVALID")
        }
    }

    @Test func chunkedUploadWithStatusAndOutOfOrderChunk() async throws {
        try await withRegistry { client in
            let bytes = randomBytes(250_000)
            let start = try await client.request(.POST, "/v2/team/app/blobs/uploads/")
            #expect(start.status == 202)
            #expect(start["Docker-Upload-UUID"] != nil)
            var location = start["Location"]!
            let chunks = stride(from: 0, to: bytes.count, by: 100_000).map { Array(bytes[$0..<min($0 + 100_000, bytes.count)]) }
            var offset = 0
            for chunk in chunks {
                let response = try await client.request(.PATCH, location, headers: [
                    ("Content-Type", "application/octet-stream"),
                    ("Content-Range", "\(offset)-\(offset + chunk.count - 1)"),
                ], body: chunk)
                #expect(response.status == 202)
                offset += chunk.count
                #expect(response["Range"] == "0-\(offset - 1)")
                location = response["Location"]!
                let status = try await client.request(.GET, location)
                #expect(status.status == 204)
                #expect(status["Range"] == "0-\(offset - 1)")
            }
            let outOfOrder = try await client.request(.PATCH, location, headers: [("Content-Range", "10-19")], body: Array(repeating: 0, count: 10))
            #expect(outOfOrder.status == 416)
            #expect(outOfOrder.errorCode == "BLOB_UPLOAD_INVALID")
            // A body longer or shorter than its range is refused before any of it is taken.
            let end = bytes.count - 1
            for length in [5, 15] {
                let mismatched = try await client.request(.PATCH, location, headers: [("Content-Range", "\(bytes.count)-\(end + 10)")],
                                                          body: Array(repeating: 1, count: length))
                #expect(mismatched.status == 416 && mismatched.errorCode == "BLOB_UPLOAD_INVALID", "\(mismatched.status) \(mismatched.text)")
                #expect(mismatched["Range"] == "0-\(end)")
            }
            let digest = Digest.compute(bytes)
            let done = try await client.request(.PUT, appendQuery(location, "digest=\(digest)"))
            #expect(done.status == 201)
            #expect(done["Docker-Content-Digest"] == digest.description)
            #expect(try await client.request(.GET, "/v2/team/app/blobs/\(digest)").body == bytes)
            #expect(try await client.request(.GET, location).status == 404)
        }
    }

    /// Large enough that the store syncs the upload while it arrives, in one request and across PATCHes.
    @Test func largeUploadsArriveWhole() async throws {
        try await withRegistry { client in
            let bytes = randomBytes(34 << 20)
            let digest = Digest.compute(bytes)
            let half = bytes.count / 2
            let start = try await client.request(.POST, "/v2/big/blobs/uploads/")
            let first = try await client.request(.PATCH, start["Location"]!, headers: [("Content-Range", "0-\(half - 1)")],
                                                 body: Array(bytes[..<half]))
            #expect(first.status == 202)
            let second = try await client.request(.PATCH, first["Location"]!, headers: [("Content-Range", "\(half)-\(bytes.count - 1)")],
                                                  body: Array(bytes[half...]))
            #expect(second["Range"] == "0-\(bytes.count - 1)")
            let done = try await client.request(.PUT, appendQuery(second["Location"]!, "digest=\(digest)"))
            #expect(done.status == 201)
            #expect(Digest.compute(try await client.request(.GET, "/v2/big/blobs/\(digest)").body) == digest)

            var other = bytes
            other[0] ^= 0xff
            let otherDigest = Digest.compute(other)
            let single = try await client.request(.POST, "/v2/big/blobs/uploads/?digest=\(otherDigest)", body: other)
            #expect(single.status == 201)
            #expect(Digest.compute(try await client.request(.GET, "/v2/big/blobs/\(otherDigest)").body) == otherDigest)
        }
    }

    @Test func finalChunkMayTravelWithThePut() async throws {
        try await withRegistry { client in
            let bytes = randomBytes(5000)
            let start = try await client.request(.POST, "/v2/r/blobs/uploads/")
            let first = try await client.request(.PATCH, start["Location"]!, headers: [("Content-Range", "0-2999")], body: Array(bytes[0..<3000]))
            let digest = Digest.compute(bytes)
            let done = try await client.request(.PUT, appendQuery(first["Location"]!, "digest=\(digest)"),
                                                headers: [("Content-Range", "3000-4999")], body: Array(bytes[3000...]))
            #expect(done.status == 201)
            #expect(try await client.request(.GET, "/v2/r/blobs/\(digest)").body == bytes)
        }
    }

    @Test func cancelledUploadIsGone() async throws {
        try await withRegistry { client in
            let start = try await client.request(.POST, "/v2/r/blobs/uploads/")
            let location = start["Location"]!
            _ = try await client.request(.PATCH, location, body: [1, 2, 3])
            #expect(try await client.request(.DELETE, location).status == 204)
            let status = try await client.request(.GET, location)
            #expect(status.status == 404)
            #expect(status.errorCode == "BLOB_UPLOAD_UNKNOWN")
            #expect(try await client.request(.DELETE, location).status == 404)
        }
    }

    @Test func uploadsCannotBeReachedThroughAnotherRepository() async throws {
        try await withRegistry { client in
            let start = try await client.request(.POST, "/v2/a/blobs/uploads/")
            let id = start["Docker-Upload-UUID"]!
            let response = try await client.request(.PATCH, "/v2/b/blobs/uploads/\(id)", body: [1])
            #expect(response.status == 404)
            #expect(response.errorCode == "BLOB_UPLOAD_UNKNOWN")
            #expect(try await client.request(.GET, "/v2/a/blobs/uploads/not-a-session").status == 404)
        }
    }

    @Test func rangeRequests() async throws {
        try await withRegistry { client in
            let bytes = randomBytes(1000)
            let digest = try await client.pushBlob("r", bytes)
            let path = "/v2/r/blobs/\(digest)"
            let middle = try await client.request(.GET, path, headers: [("Range", "bytes=100-199")])
            #expect(middle.status == 206)
            #expect(middle.body == Array(bytes[100..<200]))
            #expect(middle["Content-Range"] == "bytes 100-199/1000")
            let open = try await client.request(.GET, path, headers: [("Range", "bytes=990-")])
            #expect(open.body == Array(bytes[990...]))
            let suffix = try await client.request(.GET, path, headers: [("Range", "bytes=-5")])
            #expect(suffix.body == Array(bytes.suffix(5)))
            let beyond = try await client.request(.GET, path, headers: [("Range", "bytes=900-5000")])
            #expect(beyond.status == 206)
            #expect(beyond.body == Array(bytes[900...]))
            let unsatisfiable = try await client.request(.GET, path, headers: [("Range", "bytes=1000-1001")])
            #expect(unsatisfiable.status == 416)
            #expect(unsatisfiable["Content-Range"] == "bytes */1000")
            let backwards = try await client.request(.GET, path, headers: [("Range", "bytes=500-0")])
            #expect(backwards.status == 416 && backwards.errorCode == "RANGE_INVALID")
            #expect(backwards["Content-Range"] == "bytes */1000")
            // Several ranges, or another unit, are ignored: the whole blob.
            for ignored in ["bytes=0-1,5-6", "items=0-1", "bytes=x-y"] {
                let whole = try await client.request(.GET, path, headers: [("Range", ignored)])
                #expect(whole.status == 200 && whole.body == bytes, "\(ignored): \(whole.status)")
            }
        }
    }

    @Test func crossRepositoryMount() async throws {
        try await withRegistry { client in
            let bytes = randomBytes(700)
            let digest = try await client.pushBlob("source/app", bytes)
            let mounted = try await client.request(.POST, "/v2/target/app/blobs/uploads/?mount=\(digest)&from=source/app")
            #expect(mounted.status == 201)
            #expect(mounted["Location"] == "/v2/target/app/blobs/\(digest)")
            #expect(try await client.request(.GET, "/v2/target/app/blobs/\(digest)").body == bytes)

            let absent = Digest.compute([4, 5, 6])
            let fallback = try await client.request(.POST, "/v2/target/app/blobs/uploads/?mount=\(absent)&from=source/app")
            #expect(fallback.status == 202)
            #expect(fallback["Location"]?.contains("/blobs/uploads/") == true)
            let wrongSource = try await client.request(.POST, "/v2/third/blobs/uploads/?mount=\(digest)&from=nowhere")
            #expect(wrongSource.status == 202)
            // Without `from`, the registry finds a repository holding the blob.
            let discovered = try await client.request(.POST, "/v2/fourth/blobs/uploads/?mount=\(digest)")
            #expect(discovered.status == 201 && discovered["Location"] == "/v2/fourth/blobs/\(digest)")
            #expect(try await client.request(.GET, "/v2/fourth/blobs/\(digest)").body == bytes)
            let nowhere = try await client.request(.POST, "/v2/fourth/blobs/uploads/?mount=\(absent)")
            #expect(nowhere.status == 202)
        }
    }

    @Test func deletingABlobUnlinksItFromTheRepositoryOnly() async throws {
        try await withRegistry { client in
            let bytes = randomBytes(100)
            let digest = try await client.pushBlob("a", bytes)
            try await client.pushBlob("b", bytes)
            #expect(try await client.request(.DELETE, "/v2/a/blobs/\(digest)").status == 202)
            #expect(try await client.request(.GET, "/v2/a/blobs/\(digest)").status == 404)
            #expect(try await client.request(.GET, "/v2/b/blobs/\(digest)").body == bytes)
            let again = try await client.request(.DELETE, "/v2/a/blobs/\(digest)")
            #expect(again.status == 404)
            #expect(again.errorCode == "BLOB_UNKNOWN")
        }
    }

    @Test func uploadResumesAfterRestart() async throws {
        let temporary = try TemporaryDirectory("restart")
        defer { temporary.remove() }
        let directory = temporary.url
        let bytes = randomBytes(200_000)
        let location = try await withRegistry(dataDirectory: directory) { client in
            let start = try await client.request(.POST, "/v2/r/blobs/uploads/")
            let patch = try await client.request(.PATCH, start["Location"]!, headers: [("Content-Range", "0-99999")], body: Array(bytes[0..<100_000]))
            #expect(patch.status == 202)
            return patch["Location"]!
        }
        try await withRegistry(dataDirectory: directory) { client in
            let status = try await client.request(.GET, location)
            #expect(status.status == 204)
            #expect(status["Range"] == "0-99999")
            let digest = Digest.compute(bytes)
            let done = try await client.request(.PUT, appendQuery(location, "digest=\(digest)"), headers: [("Content-Range", "100000-199999")], body: Array(bytes[100_000...]))
            #expect(done.status == 201)
            #expect(try await client.request(.GET, "/v2/r/blobs/\(digest)").body == bytes)
        }
    }
}
