import NIOCore
import OCI
import Storage

extension S3BlobStore {
    static let concurrentPartCopies = 4

    public func openUpload(id: String) async throws -> any UploadWriter {
        try await openWriter(id: id)
    }

    /// The writer, positioned at the end of what is staged; a partial last part is read back to be continued.
    func openWriter(id: String) async throws -> S3UploadWriter {
        try await mapped {
            let parts = try await staging.parts(of: id)
            guard let last = parts.last else {
                try await client.put(try staging.partKey(id, offset: 0), ByteBuffer())
                return S3UploadWriter(id: id, staging: staging, partSize: partSize, tailOffset: 0, tail: ByteBuffer())
            }
            guard last.size < Int64(partSize) else {
                return S3UploadWriter(id: id, staging: staging, partSize: partSize, tailOffset: last.end, tail: ByteBuffer())
            }
            var tail = ByteBuffer()
            if last.size > 0 { try await client.get(last.key) { chunk in tail.writeImmutableBuffer(chunk) } }
            guard tail.readableBytes == last.size else {
                throw BlobStoreError.io("S3 upload \(id): part at \(last.offset) read back \(tail.readableBytes) bytes, listed with \(last.size)")
            }
            return S3UploadWriter(id: id, staging: staging, partSize: partSize, tailOffset: last.offset, tail: tail)
        }
    }

    public func uploadSize(id: String) async throws -> Int64? {
        let parts = try await mapped { try await staging.parts(of: id) }
        return parts.isEmpty ? nil : parts.reduce(0) { $0 + $1.size }
    }

    public func readUpload(id: String, into sink: (ByteBuffer) async throws -> Void) async throws {
        let parts = try await mapped { try await staging.parts(of: id) }
        guard !parts.isEmpty else { throw BlobStoreError.uploadNotFound(id) }
        for part in parts where part.size > 0 {
            try await mapped { try await client.get(part.key, into: sink) }
        }
    }

    /// Copies the staged parts into the blob's key inside S3, checks the blob's size with a HEAD (never the ETag the
    /// multipart answer carries, which Ceph 16 leaves empty), then removes the staged parts.
    public func commitUpload(id: String, as digest: Digest) async throws {
        try await mapped {
            let parts = try await staging.parts(of: id)
            guard !parts.isEmpty else { throw BlobStoreError.uploadNotFound(id) }
            let staged = parts.reduce(0) { $0 + $1.size }
            let key = key(of: digest)
            // Same digest, same bytes: a blob already in place is kept.
            if try await client.head(key) != staged {
                if staged == 0 {
                    try await client.put(key, ByteBuffer())
                } else if parts.count == 1 {
                    try await client.copy(from: parts[0].key, to: key)
                } else {
                    try await copyInParts(parts, to: key)
                }
                let committed = try await client.head(key)
                guard committed == staged else {
                    throw BlobStoreError.io("S3 commit of upload \(id) as \(digest): the blob holds \(committed.map(String.init) ?? "nothing"), \(staged) bytes were staged")
                }
            }
            try await deleteParts(parts)
        }
    }

    private func copyInParts(_ parts: [StagedPart], to key: String) async throws {
        let uploadID = try await client.createMultipartUpload(key)
        do {
            // A few copies at once: each is a round trip in which S3 copies one part, so they overlap well.
            let etags = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                var etags = [String](repeating: "", count: parts.count)
                for (index, part) in parts.enumerated() {
                    if index >= Self.concurrentPartCopies, let (done, etag) = try await group.next() { etags[done] = etag }
                    group.addTask { [client] in
                        (index, try await client.uploadPartCopy(key, uploadID: uploadID, number: index + 1, from: part.key, length: part.size))
                    }
                }
                for try await (done, etag) in group { etags[done] = etag }
                return etags
            }
            try await client.completeMultipartUpload(key, uploadID: uploadID, etags: etags)
        } catch {
            do {
                try await client.abortMultipartUpload(key, uploadID: uploadID)
            } catch let abortError {
                logger.warning("S3 multipart upload not aborted", metadata: ["key": "\(key)", "error": "\(abortError)"])
            }
            throw error
        }
    }

    public func deleteUpload(id: String) async throws {
        try await mapped { try await deleteParts(staging.parts(of: id)) }
    }

    private func deleteParts(_ parts: [StagedPart]) async throws {
        // Last first: a deletion cut short leaves parts that still join up from offset 0.
        for part in parts.reversed() { try await client.delete(part.key) }
    }

    public func allUploads() async throws -> [String] {
        try await mapped { try await staging.allUploads() }
    }
}
