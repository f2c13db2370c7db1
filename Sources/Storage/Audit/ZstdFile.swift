#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import CLibArchive
import Foundation

/// Compressed audit segments: zstd through libarchive's raw format with the zstd filter (libarchive is linked already for
/// layer scanning). A plain zstd frame, so `zstd -dc` or `zstdcat` reads a segment without Berth. zstd rather than gzip:
/// at level 1 it compresses a 64 MiB segment in a quarter of gzip -1's time, and smaller (bench/README.md, "Audit log").
enum ZstdFile {
    /// Segments are rotated well below this; a file that expands past it is damaged or not a segment, and is refused
    /// rather than held in memory.
    static let contentLimit = 64 << 20

    private static let chunkSize = 64 << 10

    /// Compresses `source` into `destination` atomically: it is written to `.NAME.partial` in the same folder, synced,
    /// renamed over `destination`, and the folder synced, so a crash leaves either no `destination` or a whole one. A
    /// `.partial` file a crash left behind is replaced by the next attempt; one compression per destination at a time.
    static func compress(_ source: URL, to destination: URL) throws {
        let folder = destination.deletingLastPathComponent().path
        let partial = "\(folder)/.\(destination.lastPathComponent).partial"
        let input = open(source.path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw ZstdFileError.system("open", source.path) }
        defer { close(input) }
        let output = open(partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw ZstdFileError.system("open", partial) }
        do {
            defer { close(output) }
            try write(from: input, named: source, to: output, partial: partial)
            guard fdatasync(output) == 0 else { throw ZstdFileError.system("fsync", partial) }
        } catch {
            unlink(partial)
            throw error
        }
        guard rename(partial, destination.path) == 0 else {
            let failure = ZstdFileError.system("rename", partial)
            unlink(partial)
            throw failure
        }
        try FileSystemCalls.syncDirectory(folder)
    }

    /// Streams `input` through libarchive's zstd writer into `output`, which stays open for the caller to sync.
    private static func write(from input: Int32, named source: URL, to output: Int32, partial: String) throws {
        guard let archive = archive_write_new() else { throw ZstdFileError.libarchive(partial, "could not start") }
        defer { archive_write_free(archive) }
        func failure() -> ZstdFileError { .libarchive(partial, reason(archive)) }
        guard archive_write_add_filter_zstd(archive) == ARCHIVE_OK,
              // Level 1: a closed segment is compressed while the registry serves.
              archive_write_set_filter_option(archive, "zstd", "compression-level", "1") == ARCHIVE_OK,
              archive_write_set_format_raw(archive) == ARCHIVE_OK,
              // Else the last block may be padded with zeros after the frame, which `zstd -d` calls unknown data.
              archive_write_set_bytes_in_last_block(archive, 1) == ARCHIVE_OK,
              archive_write_open_fd(archive, output) == ARCHIVE_OK
        else { throw failure() }
        // The raw format writes one entry's data and nothing of its header, but wants a regular file's header first.
        guard let entry = archive_entry_new() else { throw ZstdFileError.libarchive(partial, "could not start") }
        defer { archive_entry_free(entry) }
        archive_entry_set_pathname(entry, source.lastPathComponent)
        archive_entry_set_filetype(entry, 0o100000)  // AE_IFREG, a cast in archive_entry.h that Swift does not import
        guard archive_write_header(archive, entry) == ARCHIVE_OK else { throw failure() }
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(input, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw ZstdFileError.system("read", source.path)
            }
            let written = buffer.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, count) }
            guard written == count else { throw failure() }
        }
        // Close flushes the compressor and ends the frame; the descriptor stays open (it is the caller's).
        guard archive_write_close(archive) == ARCHIVE_OK else { throw failure() }
    }

    /// The whole decompressed content of a zstd file. A file that is not zstd, is cut short, or expands past `limit`
    /// throws. The audit chain's hashes, not a checksum of the frame, are what detect a changed byte.
    static func read(_ file: URL, limit: Int = contentLimit) throws -> [UInt8] {
        guard let archive = archive_read_new() else { throw ZstdFileError.libarchive(file.path, "could not start") }
        defer { archive_read_free(archive) }
        func failure() -> ZstdFileError { .libarchive(file.path, reason(archive)) }
        // The raw format reads whatever the filter yields; the empty format is how it reads a frame of nothing.
        archive_read_support_filter_zstd(archive)
        archive_read_support_format_raw(archive)
        archive_read_support_format_empty(archive)
        guard archive_read_open_filename(archive, file.path, chunkSize) == ARCHIVE_OK else { throw failure() }
        var entry: OpaquePointer?
        let status = archive_read_next_header(archive, &entry)
        guard status == ARCHIVE_OK || status == ARCHIVE_EOF else { throw failure() }
        // Without this check a file that was never compressed would read back as itself through the raw format.
        guard archive_filter_code(archive, 0) == ARCHIVE_FILTER_ZSTD else { throw ZstdFileError.libarchive(file.path, "not a zstd file") }
        if status == ARCHIVE_EOF { return [] }
        var content: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let count = buffer.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress, $0.count) }
            if count == 0 { return content }
            guard count > 0 else { throw failure() }
            guard content.count + count <= limit else {
                throw ZstdFileError.libarchive(file.path, "expands past \(limit) bytes")
            }
            content.append(contentsOf: buffer[..<count])
        }
    }

    private static func reason(_ archive: OpaquePointer) -> String {
        archive_error_string(archive).map { String(cString: $0) } ?? "unknown libarchive error"
    }
}

enum ZstdFileError: Error, CustomStringConvertible {
    case libarchive(String, String)
    case system(operation: String, path: String, reason: String)

    static func system(_ operation: String, _ path: String) -> ZstdFileError {
        .system(operation: operation, path: path, reason: String(cString: strerror(errno)))
    }

    var description: String {
        switch self {
        case .libarchive(let path, let reason): "zstd \(path): \(reason)"
        case .system(let operation, let path, let reason): "\(operation) \(path): \(reason)"
        }
    }
}
