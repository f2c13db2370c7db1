import Foundation
import HTTPTypes
import Hummingbird
import OCI
import Storage

extension Registry {
    func startUpload(_ request: Request, _ repository: RepositoryName, caller: RegistryCaller) async throws -> Response {
        let query = request.uri.queryParameters
        if let mount = query["mount"] {
            let digest = try parseDigest(mount)
            // Without `from`, any repository holding the blob will do (the spec's automatic content discovery).
            let sources = if let from = query["from"] { [try self.repository(String(from))] } else { try await metadata.repositoriesHolding(blob: digest) }
            // Mounting reads the source: without pull there, the caller uploads the blob like anyone else.
            for source in sources where caller.mayPull(source) {
                guard let size = try await metadata.blobSize(repository: source, digest: digest) else { continue }
                // One source is enough to know whether the bytes are there; without them no source can be mounted.
                guard try await blobs.size(of: digest) != nil else { break }
                let blobs = self.blobs
                do {
                    try await metadata.linkBlob(repository: repository, digest: digest, size: size, ifPresent: { blobs.contains(digest) })
                } catch MetadataError.blobCollected {
                    break  // Garbage collection took it meanwhile: an upload instead.
                }
                return created(repository, digest)
            }
            // Not readable from any source: the client falls back to uploading, as the spec describes.
        }
        if let digestParameter = query["digest"] {
            let digest = try parseDigest(digestParameter)
            return try await monolithicUpload(request, repository, digest)
        }
        let session = UploadSession(id: UUID().uuidString.lowercased(), repository: repository, startedAt: Date())
        try await metadata.createUpload(session)
        return Response(status: .accepted, headers: uploadHeaders(session, size: 0))
    }

    func uploadStatus(_ repository: RepositoryName, _ id: String) async throws -> Response {
        let session = try await session(repository, id)
        let size = try await blobs.uploadSize(id: id) ?? 0
        return Response(status: .noContent, headers: uploadHeaders(session, size: size))
    }

    func patchUpload(_ request: Request, _ repository: RepositoryName, _ id: String) async throws -> Response {
        let session = try await session(repository, id)
        let size = try await withUpload(id) { writer, progress in
            if let contentRange = request.headers[.contentRange] {
                try Self.checkChunk(contentRange, size: progress.size, contentLength: request.headers[.contentLength].flatMap { Int64($0) })
            }
            try await receive(request.body, into: writer, progress: &progress)
            return progress.size
        }
        return Response(status: .accepted, headers: uploadHeaders(session, size: size))
    }

    func finishUpload(_ request: Request, _ repository: RepositoryName, _ id: String) async throws -> Response {
        let session = try await session(repository, id)
        guard let digestParameter = request.uri.queryParameters["digest"] else {
            throw RegistryError.digestInvalid("the final PUT of an upload needs a ?digest= parameter")
        }
        let digest = try parseDigest(digestParameter)
        var finalProgress: UploadTracker.Progress?
        _ = try await withUpload(id) { writer, progress in
            if let contentRange = request.headers[.contentRange] {
                try Self.checkChunk(contentRange, size: progress.size, contentLength: request.headers[.contentLength].flatMap { Int64($0) })
            }
            try await receive(request.body, into: writer, progress: &progress)
            finalProgress = progress
        }
        guard let finalProgress else { throw RegistryError.uploadUnknown(id) }
        try await commit(session: session, digest: digest, progress: finalProgress)
        return created(repository, digest)
    }

    func cancelUpload(_ repository: RepositoryName, _ id: String) async throws -> Response {
        _ = try await session(repository, id)
        _ = try await uploads.acquire(id)
        do {
            try await blobs.deleteUpload(id: id)
            _ = try await metadata.deleteUpload(id: id)
        } catch {
            await uploads.release(id, progress: nil)
            throw error
        }
        await uploads.release(id, progress: nil)
        return Response(status: .noContent, headers: [.contentLength: "0"])
    }

    // MARK: Steps

    /// `POST ?digest=`: the whole blob in one request, staged under a session that is never recorded.
    private func monolithicUpload(_ request: Request, _ repository: RepositoryName, _ digest: Digest) async throws -> Response {
        let session = UploadSession(id: UUID().uuidString.lowercased(), repository: repository, startedAt: Date())
        try await metadata.createUpload(session)
        let progress = try await withUpload(session.id) { writer, progress in
            try await receive(request.body, into: writer, progress: &progress)
            return progress
        }
        try await commit(session: session, digest: digest, progress: progress)
        return created(repository, digest)
    }

    /// Verifies the digest of a finished upload, then makes it a blob of the repository.
    private func commit(session: UploadSession, digest: Digest, progress: UploadTracker.Progress) async throws {
        let computed = digest.algorithm == progress.hasher.algorithm
            ? progress.hasher.finalize()
            : try await rehash(session.id, algorithm: digest.algorithm).hasher.finalize()
        guard computed == digest else {
            try await blobs.deleteUpload(id: session.id)
            _ = try await metadata.deleteUpload(id: session.id)
            throw RegistryError.digestInvalid("the uploaded content does not match the digest given; the upload was discarded", detail: "given \(digest), content is \(computed)")
        }
        // A blob that alone would take the repository past its quota could never be referenced: refused now, before it
        // is stored, rather than at the manifest that names it.
        if let quota = policy.quota(for: session.repository), try await metadata.blobSize(repository: session.repository, digest: digest) == nil {
            let used = try await metadata.usage(repository: session.repository)
            if used + progress.size > quota.bytes {
                try await blobs.deleteUpload(id: session.id)
                _ = try await metadata.deleteUpload(id: session.id)
                throw quota.refusal(used: used, adding: progress.size)
            }
        }
        try await blobs.commitUpload(id: session.id, as: digest)
        let blobs = self.blobs
        do {
            try await metadata.completeUpload(id: session.id, digest: digest, size: progress.size, ifPresent: { blobs.contains(digest) })
        } catch MetadataError.blobCollected {
            // The upload kept a file garbage collection was deleting (same digest, same bytes): not acknowledged, so the
            // client uploads again and never holds a link to a missing blob.
            _ = try? await metadata.deleteUpload(id: session.id)
            throw RegistryError(.blobUploadInvalid, status: .conflict,
                                "the blob was being garbage-collected while it was uploaded; upload it again")
        }
        policy.blobCommitted(digest, in: session.repository)
    }

    /// Runs `body` with exclusive use of the upload, a writer positioned at its end, and its running hash.
    /// Everything appended is written when this returns; after a failure the remembered hash is dropped.
    private func withUpload<T: Sendable>(
        _ id: String,
        _ body: (any UploadWriter, inout UploadTracker.Progress) async throws -> T
    ) async throws -> T {
        let remembered = try await uploads.acquire(id)
        var progress: UploadTracker.Progress?
        do {
            let writer = try await blobs.openUpload(id: id)
            var current = remembered
            let size = await writer.size
            if current?.size != size {
                current = try await rehash(id, algorithm: .sha256)
            }
            var working = current!
            let result: T
            do {
                result = try await body(writer, &working)
                try await writer.finish()
            } catch {
                await writer.abandon()
                throw error
            }
            progress = working
            await uploads.release(id, progress: progress)
            return result
        } catch {
            await uploads.release(id, progress: nil)
            throw error
        }
    }

    private func receive(_ body: RequestBody, into writer: any UploadWriter, progress: inout UploadTracker.Progress) async throws {
        for try await chunk in body {
            chunk.withUnsafeReadableBytes { progress.hasher.update($0) }
            try await writer.append(chunk)
            progress.size += Int64(chunk.readableBytes)
        }
    }

    private func rehash(_ id: String, algorithm: Digest.Algorithm) async throws -> UploadTracker.Progress {
        var progress = UploadTracker.Progress(hasher: DigestHasher(algorithm), size: 0)
        guard try await blobs.uploadSize(id: id) != nil else { return progress }
        try await blobs.readUpload(id: id) { chunk in
            chunk.withUnsafeReadableBytes { progress.hasher.update($0) }
            progress.size += Int64(chunk.readableBytes)
        }
        return progress
    }

    private func session(_ repository: RepositoryName, _ id: String) async throws -> UploadSession {
        guard id.utf8.count <= 64, id.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) || $0 == 0x2d }),
              let session = try await metadata.upload(id: id), session.repository == repository
        else { throw RegistryError.uploadUnknown(id) }
        return session
    }

    /// A chunk must start exactly where the upload ends, and a body whose length is declared must be as long as
    /// its range says; anything else is answered 416, before any of the body is taken.
    static func checkChunk(_ contentRange: String, size: Int64, contentLength: Int64?) throws(RegistryError) {
        let spec = contentRange.hasPrefix("bytes ") ? contentRange.dropFirst(6) : contentRange[...]
        let parts = spec.split(separator: "-", maxSplits: 1)
        guard parts.count == 2, let start = Int64(parts[0]), let end = Int64(parts[1].split(separator: "/").first ?? ""), end >= start else {
            throw RegistryError(.blobUploadInvalid, status: .badRequest, "invalid Content-Range; expected '<start>-<end>'", detail: contentRange)
        }
        func unsatisfiable(_ message: String) -> RegistryError {
            var error = RegistryError(.blobUploadInvalid, status: .rangeNotSatisfiable, message, detail: contentRange)
            error.headers[.range] = size > 0 ? "0-\(size - 1)" : "0-0"
            return error
        }
        guard start == size else {
            throw unsatisfiable("chunk out of order: the upload holds \(size) bytes, so the next chunk must start at \(size)")
        }
        if let contentLength, contentLength != end - start + 1 {
            throw unsatisfiable("the chunk's Content-Length (\(contentLength)) does not match its Content-Range, which spans \(end - start + 1) bytes")
        }
    }

    private func uploadHeaders(_ session: UploadSession, size: Int64) -> HTTPFields {
        [
            .location: "/v2/\(session.repository)/blobs/uploads/\(session.id)",
            .range: size > 0 ? "0-\(size - 1)" : "0-0",
            .dockerUploadUUID: session.id,
            .contentLength: "0",
        ]
    }

    private func created(_ repository: RepositoryName, _ digest: Digest) -> Response {
        Response(status: .created, headers: [
            .location: "/v2/\(repository)/blobs/\(digest)",
            .dockerContentDigest: digest.description,
            .contentLength: "0",
        ])
    }
}
