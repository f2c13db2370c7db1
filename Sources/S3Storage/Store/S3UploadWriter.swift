import NIOCore
import Storage

/// Appends to a staged upload, holding at most one part in memory: when the part fills it is stored (and the next
/// begins); `finish` stores the partial last part, which a later writer — in this process or another — reads back
/// and continues, storing it again under the same key.
///
/// An actor: a part's PUT happens inside `append`, so the caller's next chunk waits until the part is stored.
/// Callers append from one task at a time, as the registry's uploads do.
actor S3UploadWriter: UploadWriter {
    private let id: String
    private let staging: StagingArea
    private let partSize: Int
    /// Where the part in memory starts in the upload.
    private var tailOffset: Int64
    private var tail: ByteBuffer
    /// Bytes were appended to `tail` since it was last stored.
    private var tailChanged = false
    /// The most bytes held at once, so a test can see a large upload never sits in memory whole.
    private(set) var peakBufferedBytes = 0

    init(id: String, staging: StagingArea, partSize: Int, tailOffset: Int64, tail: ByteBuffer) {
        self.id = id
        self.staging = staging
        self.partSize = partSize
        self.tailOffset = tailOffset
        self.tail = tail
        peakBufferedBytes = tail.readableBytes
    }

    var size: Int64 { tailOffset + Int64(tail.readableBytes) }

    func append(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        while buffer.readableBytes > 0 {
            var piece = buffer.readSlice(length: min(partSize - tail.readableBytes, buffer.readableBytes))!
            tail.writeBuffer(&piece)
            tailChanged = true
            peakBufferedBytes = max(peakBufferedBytes, tail.readableBytes)
            if tail.readableBytes == partSize {
                try await storeTail()
                tailOffset += Int64(partSize)
                tail.clear()
                tailChanged = false
            }
        }
    }

    func finish() async throws {
        if tailChanged { try await storeTail() }
        tailChanged = false
        tail = ByteBuffer()
    }

    func abandon() async {
        tailChanged = false
        tail = ByteBuffer()
    }

    private func storeTail() async throws {
        try await staging.client.put(try staging.partKey(id, offset: tailOffset), tail)
    }
}
