import CLibArchive
import Foundation

/// The `*.json` entries of a zip file, such as the `all.zip` osv.dev publishes per ecosystem, streamed through
/// libarchive (already linked for layer scanning; the package mirror has no zip reader) without extracting anything.
/// An entry over `entryLimit` or that fails to inflate is a failure named "ZIP!/ENTRY"; a file libarchive cannot read as
/// a zip at all is a failure named after the file; reading stops where the zip's structure breaks.
enum ZipJSONEntries {
    /// Far above any real record (the largest in osv.dev's exports are a few hundred KiB): a bound on what one entry
    /// may make an import hold, not a limit records meet.
    static let entryLimit = 16 << 20

    static func read(
        _ file: URL, entry: (_ name: String, _ data: Data) -> Void, failure: (_ name: String, _ reason: String) -> Void
    ) {
        guard let archive = archive_read_new() else { return failure(file.path, "libarchive could not start") }
        defer { archive_read_free(archive) }
        archive_read_support_format_zip(archive)
        func reason() -> String { archive_error_string(archive).map { String(cString: $0) } ?? "unknown error" }
        guard archive_read_open_filename(archive, file.path, 64 << 10) == ARCHIVE_OK else {
            return failure(file.path, "cannot be read as a zip: \(reason())")
        }
        while true {
            var header: OpaquePointer?
            let status = archive_read_next_header(archive, &header)
            if status == ARCHIVE_EOF { return }
            guard status >= ARCHIVE_WARN, let header else { return failure(file.path, "cannot be read as a zip: \(reason())") }
            let name = archive_entry_pathname(header).map { String(cString: $0) } ?? ""
            guard name.hasSuffix(".json") else { continue }
            let entryName = "\(file.path)!/\(name)"
            if archive_entry_size_is_set(header) != 0, archive_entry_size(header) > entryLimit {
                failure(entryName, "is larger than the \(entryLimit >> 20) MiB an entry may be")
                continue
            }
            switch readData(archive) {
            case .success(let data): entry(entryName, data)
            case .failure(.tooLarge): failure(entryName, "is larger than the \(entryLimit >> 20) MiB an entry may be")
            case .failure(.unreadable(let fatal)):
                failure(entryName, "cannot be read: \(reason())")
                if fatal { return }
            }
        }
    }

    private enum EntryProblem: Error {
        case tooLarge
        case unreadable(fatal: Bool)
    }

    /// The current entry's bytes, up to `entryLimit`: a size the zip's header understates is caught here.
    private static func readData(_ archive: OpaquePointer) -> Result<Data, EntryProblem> {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let read = buffer.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress, $0.count) }
            if read == 0 { return .success(data) }
            guard read > 0 else { return .failure(.unreadable(fatal: read <= Int(ARCHIVE_FATAL))) }
            guard data.count + read <= entryLimit else { return .failure(.tooLarge) }
            data.append(contentsOf: buffer[..<read])
        }
    }
}
