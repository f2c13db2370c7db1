import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Single-object requests and listings.
extension S3Client {
    /// HeadObject: the size, or nil when there is no such object.
    func head(_ key: String) async throws -> Int64? {
        do {
            let response = try await send(Call(operation: "HeadObject \(key)", method: .HEAD, key: key))
            return Self.contentLength(response.headers)
        } catch let error as S3Error where error.isNotFound {
            return nil
        }
    }

    /// GetObject of `range` (nil: the whole object), streamed to `sink` a network read at a time. Throws `S3Error`
    /// for a missing object (404) or a range that starts past the end (416).
    func get(_ key: String, range: Range<Int64>? = nil, into sink: (ByteBuffer) async throws -> Void) async throws {
        let response = try await send(Self.getObject(key, range: range))
        var cut = RangeCut(requested: range, status: response.status)
        for try await chunk in response.body {
            if let piece = cut.cut(chunk) { try await sink(piece) }
            if cut.isComplete { break }
        }
    }

    /// The GetObject request of `range` (nil: the whole object; an upper bound of `Int64.max`: to the end).
    static func getObject(_ key: String, range: Range<Int64>?) -> Call {
        var call = Call(operation: "GetObject \(key)", method: .GET, key: key)
        if let range {
            let last = range.upperBound == .max ? "" : String(range.upperBound - 1)
            call.headers.append(("range", "bytes=\(range.lowerBound)-\(last)"))
        }
        return call
    }

    /// PutObject of bytes held in memory (at most one upload part).
    func put(_ key: String, _ body: ByteBuffer) async throws {
        _ = try await send(Call(operation: "PutObject \(key)", method: .PUT, key: key, body: body))
    }

    /// DeleteObject; deleting a missing object succeeds, as S3 answers 204 either way.
    func delete(_ key: String) async throws {
        do {
            _ = try await send(Call(operation: "DeleteObject \(key)", method: .DELETE, key: key))
        } catch let error as S3Error where error.isNotFound {
            // Some S3-compatible servers answer 404 for a missing key; the object is gone either way.
        }
    }

    struct Listing: Sendable {
        var objects: [(key: String, size: Int64)] = []
        /// With a delimiter: the "folders" one level below the prefix, each ending with the delimiter.
        var commonPrefixes: [String] = []
    }

    /// ListObjectsV2 under `prefix`, every page.
    func list(prefix: String, delimiter: String? = nil) async throws -> Listing {
        var listing = Listing()
        var continuation: String?
        repeat {
            var call = Call(operation: "ListObjectsV2 \(prefix)", method: .GET, key: nil, query: [("list-type", "2"), ("prefix", prefix)])
            if let delimiter { call.query.append(("delimiter", delimiter)) }
            if let continuation { call.query.append(("continuation-token", continuation)) }
            let page = try await document(call)
            for object in page.children("Contents") {
                guard let key = object["Key"], let size = object["Size"].flatMap({ Int64($0) }) else {
                    throw S3Error(operation: call.operation, status: 200, code: "MalformedResponse", message: "an entry without a key or size")
                }
                listing.objects.append((key, size))
            }
            listing.commonPrefixes += page.children("CommonPrefixes").compactMap { $0["Prefix"] }
            continuation = page["IsTruncated"] == "true" ? page["NextContinuationToken"] : nil
        } while continuation != nil
        return listing
    }

    /// CreateBucket; a bucket this account already owns is fine.
    /// A listing of at most one key under `prefix`: the cheapest request that needs both the bucket and credentials
    /// allowed to read it.
    func probe(prefix: String) async throws {
        _ = try await document(Call(operation: "ListObjectsV2 \(prefix)", method: .GET, key: nil,
                                    query: [("list-type", "2"), ("max-keys", "1"), ("prefix", prefix)]))
    }

    func createBucket() async throws {
        var body = ByteBuffer()
        // us-east-1 is the default location, which S3 refuses to be named.
        if address.region != "us-east-1" {
            body.writeString(
                "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>\(address.region)</LocationConstraint></CreateBucketConfiguration>"
            )
        }
        do {
            _ = try await send(Call(operation: "CreateBucket \(address.bucket)", method: .PUT, key: nil, body: body))
        } catch let error as S3Error where error.code == "BucketAlreadyOwnedByYou" {
        }
    }

    /// The `x-amz-copy-source` value naming an object of this bucket.
    func copySource(_ key: String) -> String { URIEncoding.encode("/\(address.bucket)/\(key)", keepingSlashes: true) }
}
