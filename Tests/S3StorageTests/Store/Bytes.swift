import NIOCore
import OCI
import Storage

/// Small helpers over any blob store, for the driver's tests.
extension BlobStore {
    func readAll(_ digest: Digest, range: Range<Int64> = 0..<Int64.max) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        try await read(digest, range: range) { bytes += $0.readableBytesView }
        return bytes
    }

    func stagedBytes(_ id: String) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        try await readUpload(id: id) { bytes += $0.readableBytesView }
        return bytes
    }

    /// Stages `bytes` in one writer, in chunks, and commits them.
    @discardableResult
    func put(_ bytes: [UInt8], id: String, chunk: Int = 1 << 20) async throws -> Digest {
        let writer = try await openUpload(id: id)
        for start in stride(from: 0, to: bytes.count, by: chunk) {
            try await writer.append(ByteBuffer(bytes: bytes[start..<min(start + chunk, bytes.count)]))
        }
        try await writer.finish()
        let digest = Digest.compute(bytes)
        try await commitUpload(id: id, as: digest)
        return digest
    }
}
