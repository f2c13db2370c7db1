import NIOCore

/// A blob's bytes produced on one event loop: how a store with no file to offer (object storage) lets a server send a
/// blob without every piece crossing threads. The server hands the stream to the connection, whose event loop passes
/// each piece on as it arrives.
public protocol BlobStream: Sendable {
    /// Sends the bytes through `write`, on the event loop the stream was opened for. The next piece is not asked for
    /// before the future `write` returned for the previous one has completed, so a slow client slows the store rather
    /// than filling memory. The result completes after the last piece. It fails when the store or a write fails; the
    /// bytes written so far are then a prefix of the range.
    func send(_ write: @escaping (ByteBuffer) -> EventLoopFuture<Void>) -> EventLoopFuture<Void>
}
