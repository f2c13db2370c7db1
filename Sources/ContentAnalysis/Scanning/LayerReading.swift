import CLibArchive

/// One pass over one layer through libarchive: every entry's header, every regular file's data in the blocks libarchive
/// decompresses into (never a whole file), the limits checked after each header and each block. Files are matched on
/// another thread, through a `MatchPipeline`, while the next bytes decompress on this one. The package inventory is
/// read on this thread, from the same blocks: inventory files are few and small, and an executable's search for Go
/// build information is a memmem over blocks this thread has just written, still in its cache.
struct LayerReading {
    let matcher: SecretMatcher
    let limits: ScanLimits
    let input: ArchiveInput
    private var report = LayerReport(outcome: .scanned)
    private var links = LinkGraph()
    /// Nil when inventories are off.
    private var inventory: InventoryCollector?

    /// AE_IFREG and AE_IFLNK: archive_entry.h defines them as casts, which Swift does not import.
    private static let regularFile: mode_t = 0o100000
    private static let symbolicLink: mode_t = 0o120000

    /// Why the scan stopped early.
    private struct Stop: Error {
        var reason: String
    }

    init(matcher: SecretMatcher, limits: ScanLimits, inventories: Bool, input: ArchiveInput) {
        self.matcher = matcher
        self.limits = limits
        self.input = input
        inventory = inventories ? InventoryCollector(limits: limits) : nil
    }

    consuming func run() -> LayerReport {
        guard let archive = archive_read_new() else {
            report.outcome = .unscannable(reason: "libarchive could not start")
            report.inventory = inventory?.finish()
            return report
        }
        defer { archive_read_free(archive) }
        // Only what layers are: the tar family, uncompressed, gzip or zstd. Nothing else of libarchive's is reachable.
        archive_read_support_format_tar(archive)
        archive_read_support_filter_gzip(archive)
        archive_read_support_filter_zstd(archive)
        let pipeline = MatchPipeline(matcher: matcher)
        do {
            guard input.open(archive) == ARCHIVE_OK else { throw stop(archive) }
            try readEntries(archive, pipeline: pipeline)
            if let loop = links.firstLoop(maxHops: limits.maxSymlinkHops) {
                throw Stop(reason: "symlink loop at \(loop)")
            }
        } catch let stopped as Stop {
            report.outcome = .unscannable(reason: stopped.reason)
        } catch {
            report.outcome = .unscannable(reason: "\(error)")
        }
        let findings = pipeline.finish()
        report.findings = findings.list
        report.omittedFindings = findings.omitted
        report.expandedBytes = archive_filter_bytes(archive, 0)
        report.inventory = inventory?.finish()
        return report
    }

    private mutating func readEntries(_ archive: OpaquePointer, pipeline: MatchPipeline) throws {
        var entry: OpaquePointer?
        while true {
            let status = archive_read_next_header(archive, &entry)
            if status == ARCHIVE_EOF { return }
            guard status >= ARCHIVE_WARN, let entry else { throw stop(archive) }
            report.entries += 1
            if report.entries > limits.maxEntries { throw Stop(reason: "more than \(limits.maxEntries) entries") }
            try checkExpansion(archive)
            let path = try entryPath(entry)
            if let target = archive_entry_hardlink(entry) {
                links.addHardlink(path, target: String(cString: target))
                inventory?.link(at: path)
                continue
            }
            switch archive_entry_filetype(entry) {
            case Self.symbolicLink:
                links.addSymlink(path, target: archive_entry_symlink(entry).map { String(cString: $0) } ?? "")
                inventory?.link(at: path)
            case Self.regularFile:
                let (directory, name) = LayerPath.split(path)
                if name == ".wh..wh..opq" {
                    report.opaqueDirectories.append(directory)
                } else if name.hasPrefix(".wh.") {
                    report.whiteouts.append(LayerPath.joined(directory, String(name.dropFirst(4))))
                } else {
                    try readFile(archive, path: path, size: archive_entry_size(entry), pipeline: pipeline)
                }
            default:
                break
            }
        }
    }

    /// Reads a regular file's data block by block, sending it to be matched unless it lies under a documentation path
    /// or turns out binary, and to the inventory until it can add nothing. Skipped data is still read here, not by
    /// libarchive's skip, so the limits see every block.
    private mutating func readFile(_ archive: OpaquePointer, path: String, size: Int64, pipeline: MatchPipeline) throws {
        let matched = !DocumentationPaths.contains(path)
        var matching = matched
        var sniff = BinarySniff()
        var inventoryFile = inventory?.open(path: path)
        if matched { pipeline.begin(path: path) }
        var block: UnsafeRawPointer?
        var length = 0
        var offset: Int64 = 0
        while true {
            let status = archive_read_data_block(archive, &block, &length, &offset)
            if status == ARCHIVE_EOF { break }
            guard status >= ARCHIVE_WARN else { throw stop(archive) }
            try checkExpansion(archive)
            guard let block, length > 0 else { continue }
            if inventoryFile?.isDone == false { inventoryFile!.feed(UnsafeRawBufferPointer(start: block, count: length)) }
            guard matching else { continue }
            pipeline.feed(UnsafeRawBufferPointer(start: block, count: length), more: offset + Int64(length) < size)
            // The matching thread sniffs the same bytes and drops the file; the rest of it need not be copied.
            if sniff.look(at: block.assumingMemoryBound(to: UInt8.self), count: length) { matching = false }
        }
        if matched { pipeline.end() }
        if let inventoryFile { inventory!.close(inventoryFile) }
    }

    private func entryPath(_ entry: OpaquePointer) throws -> String {
        guard let raw = archive_entry_pathname(entry) ?? archive_entry_pathname_utf8(entry) else { return "" }
        let length = strlen(raw)
        let path = String(decoding: UnsafeRawBufferPointer(start: raw, count: length), as: UTF8.self)
        if length > limits.maxPathLength {
            throw Stop(reason: "path longer than \(limits.maxPathLength) bytes: \(path.prefix(80))…")
        }
        return LayerPath.normalized(path)
    }

    private func checkExpansion(_ archive: OpaquePointer) throws {
        let expanded = archive_filter_bytes(archive, 0)
        if expanded > limits.maxExpandedBytes {
            throw Stop(reason: "expanded past \(limits.maxExpandedBytes) bytes")
        }
        if expanded > ScanLimits.ratioCheckThreshold, expanded > Int64(limits.maxExpansionRatio) * input.compressedBytes {
            throw Stop(reason: "expanded past \(limits.maxExpansionRatio)× its compressed size (decompression bomb?)")
        }
    }

    /// The reason for a libarchive failure: the source's own error when reading it failed.
    private func stop(_ archive: OpaquePointer) -> Stop {
        if let error = input.sourceError { return Stop(reason: "cannot read the layer: \(error)") }
        let message = archive_error_string(archive).map { String(cString: $0) } ?? "unknown error"
        let compressed = archive_filter_count(archive) > 1
        return Stop(reason: "corrupt or truncated \(compressed ? "compression" : "tar"): \(message)")
    }
}

#if canImport(Glibc)
import Glibc
#endif
