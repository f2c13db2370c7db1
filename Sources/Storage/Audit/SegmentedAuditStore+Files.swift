import AuditRecords
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension SegmentedAuditStore {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func path(of segment: Segment, in folder: URL) -> String {
        folder.appendingPathComponent("segments").appendingPathComponent(segment.name).path
    }

    /// `yyyyMMdd` in UTC: the day a segment's first record was written, and the unit of rotation and retention.
    static func day(of time: Date) -> String {
        String(AuditTime.string(time).prefix(10).filter { $0 != "-" })
    }

    static func head(ofLine bytes: [UInt8], location: String) throws -> AuditHead {
        do {
            let line = try AuditLine(bytes: bytes)
            return AuditHead(sequence: line.record.sequence, hash: line.hash)
        } catch {
            throw AuditStoreError.unreadable(location: location, reason: "\(error); `berth audit verify` reports the whole log")
        }
    }

    /// A segment's complete lines (a torn last line, being written, is left out).
    static func readLines(of segment: Segment, in folder: URL) throws -> [[UInt8]] {
        let path = path(of: segment, in: folder)
        let content: [UInt8]
        if segment.compressed {
            content = try ZstdFile.read(URL(fileURLWithPath: path))
        } else {
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            if descriptor < 0, errno == ENOENT {
                // Compressed since it was listed (by the server, next to this reader): read the compressed file.
                var compressed = segment
                compressed.compressed = true
                return try readLines(of: compressed, in: folder)
            }
            guard descriptor >= 0 else { throw FileSystemCalls.error("open", path) }
            defer { close(descriptor) }
            content = try readAll(descriptor, path: path)
        }
        var lines = content.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        lines.removeLast()  // after the last line feed: empty, or a torn line
        return lines.map(Array.init)
    }

    static func readAll(_ descriptor: Int32, path: String) throws -> [UInt8] {
        var content: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw FileSystemCalls.error("read", path) }
            if count == 0 { return content }
            content.append(contentsOf: buffer[0..<count])
        }
    }

    static func readAnchor(in folder: URL) throws -> AuditCheckpoint? {
        let path = folder.appendingPathComponent("anchor.json").path
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try JSONDecoder().decode(AuditCheckpoint.self, from: data)
        } catch {
            throw AuditStoreError.unreadable(location: path, reason: "\(error)")
        }
    }

    /// Written whole or not at all: a temporary file, synced, renamed over the old anchor, and the folder synced.
    static func writeAnchor(_ anchor: AuditCheckpoint, in folder: URL) throws {
        let path = folder.appendingPathComponent("anchor.json").path
        let temporary = path + ".tmp"
        let data = Array(try encoder.encode(anchor))
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw FileSystemCalls.error("create", temporary) }
        let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fdatasync(descriptor) == 0
        close(descriptor)
        guard written == data.count, synced, rename(temporary, path) == 0 else { throw FileSystemCalls.error("write", path) }
        try FileSystemCalls.syncDirectory(folder.path)
    }
}
