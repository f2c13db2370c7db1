import CLibArchive
import Foundation

/// A `docker save` archive read with libarchive, member by member. A layer is streamed straight out of it
/// (`ArchiveMemberSource`) into the layer scan's own libarchive reader: nothing is extracted to disk.
final class OuterArchive {
    let file: URL
    private let archive: OpaquePointer

    init(_ file: URL) throws {
        guard let archive = archive_read_new() else { throw ImageOnDiskError("libarchive could not start") }
        self.file = file
        self.archive = archive
        // `docker save | gzip` archives are common; anything else is refused.
        archive_read_support_format_tar(archive)
        archive_read_support_filter_gzip(archive)
        guard archive_read_open_filename(archive, file.path, 64 << 10) == ARCHIVE_OK else {
            throw failure("cannot open")
        }
    }

    deinit { archive_read_free(archive) }

    /// The next member's normalised path and size, or nil at the end.
    func nextMember() throws -> (path: String, size: Int64)? {
        var entry: OpaquePointer?
        let status = archive_read_next_header(archive, &entry)
        if status == ARCHIVE_EOF { return nil }
        guard status >= ARCHIVE_WARN, let entry else { throw failure("cannot read") }
        let path = archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
        return (LayerPath.normalized(path), archive_entry_size(entry))
    }

    /// Positions the archive at the data of the member at `path`.
    func member(_ path: String) throws -> ArchiveMemberSource {
        while let member = try nextMember() {
            if member.path == path { return ArchiveMemberSource(archive: self) }
        }
        throw ImageOnDiskError("\(file.path) has no member \(path)")
    }

    /// The current member's next bytes, 0 at its end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let read = archive_read_data(archive, buffer.baseAddress, buffer.count)
        guard read >= 0 else { throw failure("cannot read") }
        return read
    }

    private func failure(_ doing: String) -> ImageOnDiskError {
        let message = archive_error_string(archive).map { String(cString: $0) } ?? "unknown error"
        return ImageOnDiskError("\(doing) \(file.path): \(message)")
    }
}

/// The data of one member of an outer archive, as a layer source.
struct ArchiveMemberSource: LayerSource {
    let archive: OuterArchive

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try archive.read(into: buffer)
    }
}
