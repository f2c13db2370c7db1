import Foundation
import NIOCore

/// Server-side copies: the bytes move inside S3, never through this process.
extension S3Client {
    /// CopyObject (up to 5 GiB, S3's limit for one copy).
    func copy(from source: String, to key: String) async throws {
        _ = try await document(Call(operation: "CopyObject \(key)", method: .PUT, key: key, headers: [("x-amz-copy-source", copySource(source))]))
    }

    /// CreateMultipartUpload: the new upload's id. Not retried: each try would start another upload.
    func createMultipartUpload(_ key: String) async throws -> String {
        let call = Call(operation: "CreateMultipartUpload \(key)", method: .POST, key: key, query: [("uploads", "")], idempotent: false)
        guard let id = try await document(call)["UploadId"], !id.isEmpty else {
            throw S3Error(operation: call.operation, status: 200, code: "MalformedResponse", message: "no UploadId in the answer")
        }
        return id
    }

    /// UploadPartCopy of the first `length` bytes of `source` as part `number` (from 1): the part's ETag.
    func uploadPartCopy(_ key: String, uploadID: String, number: Int, from source: String, length: Int64) async throws -> String {
        let call = Call(
            operation: "UploadPartCopy \(key) part \(number)", method: .PUT, key: key,
            query: [("partNumber", "\(number)"), ("uploadId", uploadID)],
            headers: [("x-amz-copy-source", copySource(source)), ("x-amz-copy-source-range", "bytes=0-\(length - 1)")]
        )
        guard let etag = try await document(call)["ETag"], !etag.isEmpty else {
            throw S3Error(operation: call.operation, status: 200, code: "MalformedResponse", message: "no ETag in the answer")
        }
        return etag
    }

    /// CompleteMultipartUpload with the parts' ETags in order. Its answer's ETag is not looked at: Ceph 16 leaves it
    /// empty, and the caller checks the result's size with a HEAD instead.
    func completeMultipartUpload(_ key: String, uploadID: String, etags: [String]) async throws {
        var xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for (index, etag) in etags.enumerated() {
            xml += "<Part><PartNumber>\(index + 1)</PartNumber><ETag>\(S3XMLElement.escaped(etag))</ETag></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let call = Call(operation: "CompleteMultipartUpload \(key)", method: .POST, key: key, query: [("uploadId", uploadID)], body: ByteBuffer(string: xml))
        _ = try await document(call)
    }

    /// AbortMultipartUpload, so a failed commit leaves no parts billed in the bucket.
    func abortMultipartUpload(_ key: String, uploadID: String) async throws {
        _ = try await send(Call(operation: "AbortMultipartUpload \(key)", method: .DELETE, key: key, query: [("uploadId", uploadID)]))
    }
}
