import AuditRecords
import CSystemCalls
import Foundation
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// The embedded audit store: the chain as JSON-lines segment files under `DATA/audit/segments`, one canonical record
/// per line, named by their first record's sequence and day (`00000000000000000001-20261206.jsonl`). The open segment is
/// appended to with one write and one `fdatasync` per batch; it is closed when it reaches ``segmentBytes`` or when a
/// record of a later day (UTC) arrives, and closed segments are zstd-compressed. Checkpoints are appended to
/// `checkpoints.jsonl`; retention's anchor is `anchor.json`. spec/storage.md, "Audit", describes the layout.
///
/// Reads are by position: line k of the segment whose first record is F is read as record F + k, whatever the line
/// says, so verification sees an edited, missing or extra line where it lies.
public actor SegmentedAuditStore: AuditStore {
    public static let defaultSegmentBytes = 64 << 20

    struct Segment: Sendable {
        var first: UInt64
        var day: String
        var compressed: Bool

        var stem: String { String(repeating: "0", count: max(0, 20 - String(first).count)) + String(first) + "-" + day }
        var name: String { stem + (compressed ? ".jsonl.zst" : ".jsonl") }

        init(first: UInt64, day: String, compressed: Bool) {
            self.first = first
            self.day = day
            self.compressed = compressed
        }

        init?(name: String) {
            let compressed = name.hasSuffix(".jsonl.zst")
            guard compressed || name.hasSuffix(".jsonl") else { return nil }
            let stem = name.prefix(while: { $0 != "." })
            let parts = stem.split(separator: "-")
            guard parts.count == 2, parts[0].count == 20, let first = UInt64(parts[0]), parts[1].count == 8, parts[1].allSatisfy(\.isNumber)
            else { return nil }
            self.init(first: first, day: String(parts[1]), compressed: compressed)
        }
    }

    /// The segment being appended to: its descriptor, size, and where each line starts.
    private struct OpenSegment {
        var segment: Segment
        var descriptor: Int32
        var size: Int64
        var lineStarts: [Int64]
    }

    private let executor = DispatchQueueExecutor(label: "berth.audit")
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    public let folder: URL
    public let segmentBytes: Int
    private let readOnly: Bool
    private var segments: [Segment]
    private var open: OpenSegment?
    /// The last closed segment read, kept: webhooks and exports read on in order.
    private var cached: (first: UInt64, lines: [[UInt8]])?
    private var storedHead: AuditHead
    /// Compressions in flight, awaited before a segment they replace is removed.
    private var compressing: [UInt64: Task<Void, Never>] = [:]

    /// Opens (or creates) the store in `folder`. Writable, a torn last line (a crash in the middle of a write that was
    /// never acknowledged) is cut off; read-only (`berth audit verify` next to a running server) it is ignored.
    public init(folder: URL, segmentBytes: Int = SegmentedAuditStore.defaultSegmentBytes, readOnly: Bool = false) throws {
        self.folder = folder
        self.segmentBytes = segmentBytes
        self.readOnly = readOnly
        let segmentsPath = folder.appendingPathComponent("segments").path
        if !readOnly { try FileSystemCalls.makeDirectoryDurably(segmentsPath) }
        // Read-only, a data folder whose log was never written holds none; writable, a folder that cannot be listed must
        // stop the start, or a new chain from record 1 would be written over the one it hides.
        let names: [String]
        if readOnly, !FileManager.default.fileExists(atPath: segmentsPath) {
            names = []
        } else {
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: segmentsPath)
            } catch {
                throw AuditStoreError.unreadable(location: segmentsPath, reason: "the segment folder cannot be listed: \(error)")
            }
        }
        var byFirst: [UInt64: Segment] = [:]
        for name in names {
            guard let segment = Segment(name: name) else { continue }
            // A compression interrupted by a crash leaves both files: the uncompressed one is whole, the other may not be.
            if let existing = byFirst[segment.first], !existing.compressed { continue }
            byFirst[segment.first] = segment
        }
        segments = byFirst.values.sorted { $0.first < $1.first }
        storedHead = .empty
        if let last = segments.last, !last.compressed {
            let path = Self.path(of: last, in: folder)
            let descriptor = Glibc.open(path, readOnly ? O_RDONLY | O_CLOEXEC : O_RDWR | O_CLOEXEC)
            guard descriptor >= 0 else { throw FileSystemCalls.error("open", path) }
            var content = try Self.readAll(descriptor, path: path)
            let complete = (content.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? 0
            if complete < content.count {
                content.removeSubrange(complete...)
                if !readOnly, ftruncate(descriptor, off_t(complete)) != 0 || fdatasync(descriptor) != 0 {
                    close(descriptor)
                    throw FileSystemCalls.error("truncate the torn last line of", path)
                }
            }
            var starts: [Int64] = []
            var start = 0
            for (index, byte) in content.enumerated() where byte == UInt8(ascii: "\n") {
                starts.append(Int64(start))
                start = index + 1
            }
            open = OpenSegment(segment: last, descriptor: descriptor, size: Int64(complete), lineStarts: starts)
            if let lastStart = starts.last {
                storedHead = try Self.head(ofLine: Array(content[Int(lastStart)..<(complete - 1)]), location: "\(last.name):\(starts.count)")
            }
        } else if let last = segments.last {
            let lines = try Self.readLines(of: last, in: folder)
            if let line = lines.last { storedHead = try Self.head(ofLine: line, location: "\(last.name):\(lines.count)") }
        }
        if storedHead == .empty, let anchor = try Self.readAnchor(in: folder) {
            storedHead = AuditHead(sequence: anchor.sequence, hash: anchor.head)
        }
    }

    deinit {
        if let open { close(open.descriptor) }
    }

    public func head() -> AuditHead { storedHead }

    public func append(_ lines: [AuditLine]) throws {
        guard let first = lines.first else { return }
        guard !readOnly else { throw BlobStoreError.io("the audit store at \(folder.path) is open read-only") }
        var expected = storedHead
        for line in lines {
            guard line.record.sequence == expected.sequence + 1, line.record.previous == expected.hash else {
                throw AuditStoreError.notContinuing(stored: storedHead, appendedSequence: first.record.sequence)
            }
            expected = AuditHead(sequence: line.record.sequence, hash: line.hash)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(lines.reduce(0) { $0 + $1.bytes.count + 1 })
        var starts: [Int64] = []
        for line in lines {
            starts.append(Int64(bytes.count))
            bytes.append(contentsOf: line.bytes)
            bytes.append(UInt8(ascii: "\n"))
        }
        try openSegment(for: first.record, adding: bytes.count)
        guard let descriptor = open?.descriptor, let offset = open?.size, let segment = open?.segment else { return }
        let path = Self.path(of: segment, in: folder)
        do {
            try FileSystemCalls.write([ByteBuffer(bytes: bytes)], to: descriptor, at: offset)
            guard fdatasync(descriptor) == 0 else { throw FileSystemCalls.error("fsync", path) }
            // Written and synced, the batch's pages are given back: the log is read rarely, and pages the kernel frees
            // are reused for the next batch, where fresh ones cost a VM several times more (bench/README.md, "Audit log").
            _ = posix_fadvise(descriptor, off_t(offset), off_t(bytes.count), POSIX_FADV_DONTNEED)
        } catch {
            // Nothing of a failed batch may stay behind to be taken for the chain's continuation.
            _ = ftruncate(descriptor, off_t(offset))
            throw error
        }
        // In place: a copy of the open segment would copy every line's offset at every batch.
        open?.lineStarts.append(contentsOf: starts.lazy.map { $0 + offset })
        open?.size += Int64(bytes.count)
        storedHead = expected
    }

    /// Makes `open` the segment `record` goes into: the current one, or a new one when the current is full or of an
    /// earlier day.
    private func openSegment(for record: AuditRecord, adding count: Int) throws {
        let day = Self.day(of: record.event.time)
        if let current = open {
            let full = current.size > 0 && current.size + Int64(count) > Int64(segmentBytes)
            if !full, current.segment.day >= day { return }
            closeOpenSegment()
        }
        let segment = Segment(first: record.sequence, day: day, compressed: false)
        let path = Self.path(of: segment, in: folder)
        let descriptor = Glibc.open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw FileSystemCalls.error("create", path) }
        try FileSystemCalls.syncDirectory((path as NSString).deletingLastPathComponent)
        segments.append(segment)
        open = OpenSegment(segment: segment, descriptor: descriptor, size: 0, lineStarts: [])
    }

    private func closeOpenSegment() {
        guard let current = open else { return }
        close(current.descriptor)
        open = nil
        compress(current.segment)
    }

    /// Compresses a closed segment in the background; reads use the uncompressed file until the compressed one is in place.
    private func compress(_ segment: Segment) {
        let folder = self.folder
        compressing[segment.first] = Task.detached {
            var compressed = segment
            compressed.compressed = true
            let source = URL(fileURLWithPath: Self.path(of: segment, in: folder))
            let target = URL(fileURLWithPath: Self.path(of: compressed, in: folder))
            // A thread of its own, for this segment only, at the lowest priority: it takes only the CPU requests leave.
            let done = await withCheckedContinuation { continuation in
                Thread {
                    _ = berth_lower_thread_priority(19)
                    continuation.resume(returning: (try? ZstdFile.compress(source, to: target)) != nil)
                }.start()
            }
            // On failure the uncompressed segment stays and is read as it is; the next start tries again.
            guard done else { return }
            await self.compressed(compressed)
            unlink(source.path)
        }
    }

    private func compressed(_ segment: Segment) {
        if let index = segments.firstIndex(where: { $0.first == segment.first }) { segments[index] = segment }
        compressing[segment.first] = nil
    }

    /// Compresses closed segments a crash left uncompressed; the server calls it once at start.
    public func compressClosedSegments() {
        guard !readOnly else { return }
        for segment in segments.dropLast() where !segment.compressed && compressing[segment.first] == nil {
            compress(segment)
        }
    }

    /// Waits for compressions in flight (tests and shutdown).
    public func settle() async {
        for task in compressing.values { await task.value }
    }

    public func lines(after sequence: UInt64, limit: Int) throws -> [StoredAuditLine] {
        guard limit > 0, var index = segments.lastIndex(where: { $0.first <= sequence + 1 }) ?? (segments.isEmpty ? nil : 0) else { return [] }
        var result: [StoredAuditLine] = []
        var position = sequence + 1
        while index < segments.count, result.count < limit {
            let segment = segments[index]
            position = max(position, segment.first)
            let lines = try lines(of: segment, from: Int(position - segment.first), limit: limit - result.count)
            let name = segment.name
            for (offset, line) in lines.enumerated() {
                result.append(StoredAuditLine(bytes: line, source: name, line: Int(position - segment.first) + offset + 1))
            }
            index += 1
        }
        return result
    }

    private func lines(of segment: Segment, from start: Int, limit: Int) throws -> [[UInt8]] {
        if let open, open.segment.first == segment.first {
            guard start < open.lineStarts.count else { return [] }
            let end = min(open.lineStarts.count, start + limit)
            let from = open.lineStarts[start]
            let to = end < open.lineStarts.count ? open.lineStarts[end] : open.size
            var bytes = [UInt8](repeating: 0, count: Int(to - from))
            let path = Self.path(of: segment, in: folder)
            var done = 0
            while done < bytes.count {
                let count = bytes.withUnsafeMutableBytes { pread(open.descriptor, $0.baseAddress! + done, $0.count - done, off_t(from) + off_t(done)) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { throw FileSystemCalls.error("read", path) }
                done += count
            }
            return bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().map(Array.init)
        }
        if cached?.first != segment.first { cached = (segment.first, try Self.readLines(of: segment, in: folder)) }
        let lines = cached!.lines
        guard start < lines.count else { return [] }
        return Array(lines[start..<min(lines.count, start + limit)])
    }

    public func appendCheckpoint(_ checkpoint: AuditCheckpoint) throws {
        let path = folder.appendingPathComponent("checkpoints.jsonl").path
        let descriptor = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw FileSystemCalls.error("open", path) }
        defer { close(descriptor) }
        var line = Array(try Self.encoder.encode(checkpoint))
        line.append(UInt8(ascii: "\n"))
        let written = line.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == line.count, fdatasync(descriptor) == 0 else { throw FileSystemCalls.error("append to", path) }
    }

    public func checkpoints() throws -> [AuditCheckpoint] {
        let path = folder.appendingPathComponent("checkpoints.jsonl").path
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        // A torn last line is a checkpoint never acknowledged; any other unreadable line is left for verify to miss.
        return data.split(separator: UInt8(ascii: "\n")).compactMap { try? JSONDecoder().decode(AuditCheckpoint.self, from: Data($0)) }
    }

    public func anchor() throws -> AuditCheckpoint? { try Self.readAnchor(in: folder) }

    public func removeRecords(olderThan before: Date, anchoringAt anchor: @Sendable (AuditHead) throws -> AuditCheckpoint) async throws -> Int {
        guard !readOnly else { throw BlobStoreError.io("the audit store at \(folder.path) is open read-only") }
        let cutoff = Self.day(of: before)
        // A segment holds records of its own day and earlier: it may go when the next one began before the cutoff's day.
        var removable = 0
        while removable + 1 < segments.count, segments[removable + 1].day < cutoff, open?.segment.first != segments[removable].first {
            removable += 1
        }
        guard removable > 0 else { return 0 }
        let last = segments[removable - 1]
        let lines = try Self.readLines(of: last, in: folder)
        guard let lastLine = lines.last else { return 0 }
        let head = try Self.head(ofLine: lastLine, location: "\(last.name):\(lines.count)")
        let removedFrom = segments[0].first
        let checkpoint = try anchor(head)
        try Self.writeAnchor(checkpoint, in: folder)
        for segment in segments.prefix(removable) {
            await compressing[segment.first]?.value
            unlink(Self.path(of: segment, in: folder))
            var other = segment
            other.compressed.toggle()
            unlink(Self.path(of: other, in: folder))
        }
        try FileSystemCalls.syncDirectory(folder.appendingPathComponent("segments").path)
        segments.removeFirst(removable)
        cached = nil
        return Int(head.sequence - removedFrom + 1)
    }
}
