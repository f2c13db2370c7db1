import CLibArchive

/// The bytes libarchive reads: a `LayerSource` behind libarchive's read callback, through one fixed buffer. It counts
/// the compressed bytes (for the expansion ratio and progress) and keeps the source's error, which libarchive would
/// otherwise reduce to a generic message.
final class ArchiveInput {
    static let bufferSize = 256 << 10

    private let readSource: (UnsafeMutableRawBufferPointer) throws -> Int
    private let progress: ((Int64) -> Void)?
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: ArchiveInput.bufferSize, alignment: 16)
    /// Bytes read ahead to sniff the blob's type, handed to libarchive before anything else.
    private var prefix: [UInt8] = []
    private(set) var compressedBytes: Int64 = 0
    private(set) var sourceError: (any Error)?

    init(read: @escaping (UnsafeMutableRawBufferPointer) throws -> Int, progress: ((Int64) -> Void)?) {
        readSource = read
        self.progress = progress
    }

    deinit { buffer.deallocate() }

    /// Reads up to `count` bytes from the start of the blob without consuming them.
    func peek(_ count: Int) throws -> [UInt8] {
        while prefix.count < count {
            let read = try readSource(buffer)
            guard read > 0 else { break }
            prefix.append(contentsOf: buffer.prefix(read))
            record(read)
        }
        return prefix
    }

    /// libarchive's read callback: the next bytes of the blob, 0 at its end, -1 on an error.
    func next(_ block: UnsafeMutablePointer<UnsafeRawPointer?>) -> Int {
        if !prefix.isEmpty {
            let length = min(prefix.count, buffer.count)
            buffer.copyBytes(from: prefix.prefix(length))
            prefix.removeFirst(length)
            block.pointee = UnsafeRawPointer(buffer.baseAddress)
            return length
        }
        do {
            let read = try readSource(buffer)
            record(read)
            block.pointee = UnsafeRawPointer(buffer.baseAddress)
            return read
        } catch {
            sourceError = error
            return -1
        }
    }

    private func record(_ read: Int) {
        compressedBytes += Int64(read)
        progress?(compressedBytes)
    }

    /// Opens `archive` over this input; libarchive holds it unretained, so the caller keeps it alive while reading.
    func open(_ archive: OpaquePointer) -> Int32 {
        archive_read_open(archive, Unmanaged.passUnretained(self).toOpaque(), nil, { _, context, block in
            guard let context, let block else { return -1 }
            return Unmanaged<ArchiveInput>.fromOpaque(context).takeUnretainedValue().next(block)
        }, nil)
    }
}
