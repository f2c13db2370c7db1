import HTTPTypes
import Hummingbird
import NIOCore
import OCI
import Storage

extension Registry {
    func getBlob(_ request: Request, _ repository: RepositoryName, _ digest: Digest, includeBody: Bool, channel: any Channel) async throws -> Response {
        guard try await metadata.blobSize(repository: repository, digest: digest) != nil else { throw RegistryError.blobUnknown(digest) }
        let file = includeBody ? try await blobs.openFile(digest) : nil
        let storedSize = if let file { file.size } else { try await blobs.size(of: digest) }
        guard let size = storedSize else { throw RegistryError.blobUnknown(digest) }
        var headers: HTTPFields = [
            .dockerContentDigest: digest.description,
            .contentType: "application/octet-stream",
            .acceptRanges: "bytes",
            .eTag: "\"\(digest)\"",
            .cacheControl: "max-age=31536000",
        ]
        var range: Range<Int64> = 0..<size
        var status = HTTPResponse.Status.ok
        if let header = request.headers[.range], let requested = ByteRange(header) {
            guard let resolved = requested.resolve(size: size) else {
                var error = RegistryError(.rangeInvalid, status: .rangeNotSatisfiable, "requested range not satisfiable", detail: header)
                error.headers[.contentRange] = "bytes */\(size)"
                throw error
            }
            range = resolved
            status = .partialContent
            headers[.contentRange] = "bytes \(resolved.lowerBound)-\(resolved.upperBound - 1)/\(size)"
        }
        headers[.contentLength] = String(range.count)
        guard includeBody, !range.isEmpty else { return Response(status: status, headers: headers) }
        let blobs = self.blobs
        let served = range
        let stream = file == nil ? blobs.stream(digest, range: served, on: channel.eventLoop) : nil
        let body = ResponseBody(contentLength: Int(served.count)) { writer in
            if let file, try await Self.send(.file(file, range: served), on: channel, writer: &writer) { return }
            if let stream, try await Self.send(.stream(stream), on: channel, writer: &writer) { return }
            try await blobs.read(digest, range: served) { chunk in try await writer.write(chunk) }
            try await writer.finish(nil)
        }
        return Response(status: status, headers: headers, body: body)
    }

    func deleteBlob(_ repository: RepositoryName, _ digest: Digest) async throws -> Response {
        guard try await metadata.unlinkBlob(repository: repository, digest: digest) else { throw RegistryError.blobUnknown(digest) }
        return Response(status: .accepted, headers: [.contentLength: "0"])
    }
}

/// A single `Range: bytes=...` request; anything else (several ranges, other units) is ignored as RFC 9110 allows.
struct ByteRange: Equatable {
    enum Kind: Equatable {
        case from(Int64, through: Int64?)
        case suffix(Int64)
        /// A last byte before the first (`bytes=500-0`): refused with 416, as Go's and nginx's file servers do and
        /// the OCI conformance suite expects, rather than ignored.
        case backwards
    }

    let kind: Kind

    init?(_ header: String) {
        guard header.hasPrefix("bytes="), !header.contains(",") else { return nil }
        let spec = header.dropFirst(6).trimmingCharacters(in: .whitespaces)
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        if parts[0].isEmpty {
            guard let length = Int64(parts[1]), length >= 0 else { return nil }
            kind = .suffix(length)
        } else {
            guard let start = Int64(parts[0]), start >= 0 else { return nil }
            if parts[1].isEmpty {
                kind = .from(start, through: nil)
            } else {
                guard let end = Int64(parts[1]), end >= 0 else { return nil }
                kind = end >= start ? .from(start, through: end) : .backwards
            }
        }
    }

    /// The satisfiable part of the range for a blob of `size` bytes, or nil when none of it is.
    func resolve(size: Int64) -> Range<Int64>? {
        switch kind {
        case .from(let start, let end):
            guard start < size else { return nil }
            return start..<(min(end ?? (size - 1), size - 1) + 1)
        case .suffix(let length):
            guard length > 0, size > 0 else { return nil }
            return max(0, size - length)..<size
        case .backwards:
            return nil
        }
    }
}
