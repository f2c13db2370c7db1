import NIOCore
import Storage

/// A blob's range as one GetObject, run on the event loop of the connection it is sent to.
struct S3ObjectStream: BlobStream {
    let client: S3Client
    let key: String
    let range: Range<Int64>
    let eventLoop: any EventLoop

    func send(_ write: @escaping (ByteBuffer) -> EventLoopFuture<Void>) -> EventLoopFuture<Void> {
        client.stream(S3Client.getObject(key, range: range), range: range, on: eventLoop, into: write)
    }
}
