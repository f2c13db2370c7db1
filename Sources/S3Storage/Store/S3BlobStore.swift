import AsyncHTTPClient
import Logging
import NIOCore
import OCI
import Storage

/// `BlobStore` on an S3 bucket (issue #19): blobs are objects `<prefix>blobs/<algorithm>/<hex>`, and uploads are staged
/// as objects too (`StagingArea`), so replicas sharing the bucket share every upload and nothing lives on local disk.
///
/// Commits copy inside S3 (CopyObject, or a multipart upload of UploadPartCopy parts), so a blob's bytes cross this
/// process once, on the way in. Multipart allows 10,000 parts: with the default 8 MiB parts a blob can reach 78 GiB.
public final class S3BlobStore: BlobStore {
    public static let defaultPartSize = 8 << 20
    /// S3's smallest part for every part of a multipart upload but the last.
    public static let minimumPartSize = 5 << 20

    public let address: S3Address
    let client: S3Client
    let staging: StagingArea
    let partSize: Int
    private let ownsHTTPClient: Bool
    let logger: Logger

    /// With no `httpClient`, the store makes one, which `shutdown` closes; a client passed in stays the caller's.
    public init(
        address: S3Address, credentials: S3Credentials, partSize: Int = S3BlobStore.defaultPartSize,
        httpClient: HTTPClient? = nil, logger: Logger = Logger(label: "berth.s3")
    ) throws {
        guard partSize >= Self.minimumPartSize, partSize <= 5 << 30 else {
            throw BlobStoreError.io("S3 part size \(partSize) is outside S3's limits (5 MiB to 5 GiB)")
        }
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: HTTPClient.Configuration.Timeout(connect: .seconds(10), read: .seconds(60)),
            decompression: .disabled
        )
        // Several uploads and reads run at once against one endpoint.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 32
        let http = httpClient ?? HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.address = address
        self.partSize = partSize
        self.logger = logger
        ownsHTTPClient = httpClient == nil
        client = S3Client(address: address, credentials: credentials, http: http, logger: logger)
        staging = StagingArea(client: client, keyPrefix: address.keyPrefix)
    }

    /// Closes the HTTP client when the store made it.
    public func shutdown() async throws {
        if ownsHTTPClient { try await client.http.shutdown() }
    }

    /// Creates the bucket unless this account has it already.
    public func createBucketIfMissing() async throws {
        try await mapped { try await client.createBucket() }
    }

    /// Throws S3's own answer (`S3Error`) when the bucket is missing or the credentials cannot read it: a server checks
    /// at start, rather than fail every push later.
    public func checkBucket() async throws {
        try await client.probe(prefix: address.keyPrefix)
    }

    func key(of digest: Digest) -> String { "\(address.keyPrefix)blobs/\(digest.algorithm.rawValue)/\(digest.hex)" }

    public func size(of digest: Digest) async throws -> Int64? {
        try await mapped { try await client.head(key(of: digest)) }
    }

    /// Matches the filesystem store: a range starting at or past the end yields no bytes, a missing blob throws.
    public func read(_ digest: Digest, range: Range<Int64>, into sink: (ByteBuffer) async throws -> Void) async throws {
        let key = key(of: digest)
        if range.isEmpty {
            guard try await size(of: digest) != nil else { throw BlobStoreError.notFound(digest) }
            return
        }
        do {
            try await client.get(key, range: range, into: sink)
        } catch let error as S3Error where error.isNotFound {
            throw BlobStoreError.notFound(digest)
        } catch let error as S3Error where error.status == 416 {
            return
        } catch let error as S3Error {
            throw BlobStoreError.io(error.description)
        }
    }

    /// Offered only on the HTTP client's own event loops (a server on NIO's shared group, as `berth serve` is).
    public func stream(_ digest: Digest, range: Range<Int64>, on eventLoop: any EventLoop) -> (any BlobStream)? {
        guard client.runs(on: eventLoop) else { return nil }
        return S3ObjectStream(client: client, key: key(of: digest), range: range, eventLoop: eventLoop)
    }

    /// A blocking HEAD: the protocol wants the answer at once, inside the metadata transaction that links the blob.
    /// Must not be called on an event loop thread (it checks). A failed request answers false, which makes the
    /// caller refuse the link rather than link a blob that may be missing.
    public func contains(_ digest: Digest) -> Bool {
        do {
            return try client.blockingHead(key(of: digest), operation: "HeadObject \(key(of: digest))") != nil
        } catch {
            logger.error("S3 blob check failed", metadata: ["digest": "\(digest)", "error": "\(error)"])
            return false
        }
    }

    public func delete(_ digest: Digest) async throws {
        try await mapped { try await client.delete(key(of: digest)) }
    }

    public func allDigests() async throws -> [Digest] {
        let root = "\(address.keyPrefix)blobs/"
        let listing = try await mapped { try await client.list(prefix: root) }
        return listing.objects.compactMap { object in
            let name = object.key.dropFirst(root.count)
            guard let slash = name.firstIndex(of: "/") else { return nil }
            return Digest("\(name[..<slash]):\(name[name.index(after: slash)...])")
        }.sorted()
    }

    /// Runs S3 requests, reporting their failures as `BlobStoreError.io` with the operation and S3's code.
    func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as S3Error {
            throw BlobStoreError.io(error.description)
        }
    }
}
