import Foundation
import Testing
import TestSupport

@testable import Storage

@Suite struct ZstdFileTests {
    @Test(arguments: [0, 1, 100_000, 3 << 20])
    func randomContentRoundTrips(count: Int) throws {
        let folder = try TemporaryDirectory("zstd")
        let content = randomBytes(count)
        let source = folder.url.appendingPathComponent("segment")
        try Data(content).write(to: source)
        let compressed = folder.url.appendingPathComponent("segment.zst")
        try ZstdFile.compress(source, to: compressed)
        #expect(try ZstdFile.read(compressed) == content)
        // Nothing else is left in the folder: the partial file became the destination.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted() == ["segment", "segment.zst"])
    }

    @Test func theSystemZstdReadsWhatIsWritten() throws {
        let folder = try TemporaryDirectory("zstd")
        // Lines, as segments hold, so the deflate stream has real back-references, not only stored blocks.
        let content = Array((0..<20_000).map { "{\"seq\":\($0),\"action\":\"push\"}\n" }.joined().utf8)
        let source = try folder.write("segment", Data(content))
        let compressed = folder.url.appendingPathComponent("segment.zst")
        try ZstdFile.compress(URL(fileURLWithPath: source), to: compressed)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: compressed.path)[.size] as? Int)
        #expect(size < content.count / 4)
        let decompressed = try run("zstd", ["-dcq", compressed.path])
        #expect(decompressed.stderr.isEmpty, "zstd complained: \(decompressed.stderr)")
        #expect(Array(decompressed.stdout) == content)
        try run("zstd", ["-tq", compressed.path])
    }

    @Test func aFileTheSystemZstdWroteIsRead() throws {
        let folder = try TemporaryDirectory("zstd")
        let content = Array((0..<5_000).map { "line \($0)\n" }.joined().utf8) + randomBytes(50_000)
        let compressed = try folder.write("system.zst", try run("zstd", ["-c", "-q", "-19"], stdin: Data(content)).stdout)
        #expect(try ZstdFile.read(URL(fileURLWithPath: compressed)) == content)
        let empty = try folder.write("empty.zst", try run("zstd", ["-c", "-q"], stdin: Data()).stdout)
        #expect(try ZstdFile.read(URL(fileURLWithPath: empty)) == [])
    }

    @Test func aTruncatedFileFailsWithAnError() throws {
        let folder = try TemporaryDirectory("zstd")
        // Coded and stored deflate blocks both: lines, then random bytes.
        let content = Array((0..<200).map { "line \($0)\n" }.joined().utf8) + randomBytes(300)
        let source = try folder.write("segment", Data(content))
        let compressed = folder.url.appendingPathComponent("segment.zst")
        try ZstdFile.compress(URL(fileURLWithPath: source), to: compressed)
        let whole = try Data(contentsOf: compressed)
        let truncated = folder.url.appendingPathComponent("truncated.zst")
        // Every cut: in the header, the deflate stream, and the trailer.
        for length in 0..<whole.count {
            try whole.prefix(length).write(to: truncated)
            let error = #expect(throws: ZstdFileError.self, "cut at \(length) of \(whole.count)") { try ZstdFile.read(truncated) }
            #expect(error?.description.contains(truncated.path) == true)
        }
    }

    @Test func aFileThatIsNotZstdIsRefused() throws {
        let folder = try TemporaryDirectory("zstd")
        let plain = try folder.write("plain", "{\"seq\":1}\n")
        let error = try #require(throws: ZstdFileError.self) { try ZstdFile.read(URL(fileURLWithPath: plain)) }
        #expect("\(error)".contains(plain))
        #expect(throws: ZstdFileError.self) { try ZstdFile.read(folder.url.appendingPathComponent("missing.zst")) }
    }

    @Test func contentPastTheLimitIsRefused() throws {
        let folder = try TemporaryDirectory("zstd")
        let source = try folder.write("segment", Data(count: 1 << 20))
        let compressed = folder.url.appendingPathComponent("segment.zst")
        try ZstdFile.compress(URL(fileURLWithPath: source), to: compressed)
        #expect(try ZstdFile.read(compressed, limit: 1 << 20).count == 1 << 20)
        #expect(throws: ZstdFileError.self) { try ZstdFile.read(compressed, limit: (1 << 20) - 1) }
    }

    @Test func compressingReplacesTheDestinationAndReportsAMissingSource() throws {
        let folder = try TemporaryDirectory("zstd")
        let compressed = folder.url.appendingPathComponent("segment.zst")
        try folder.write("segment.zst", "an older file")
        let source = try folder.write("segment", "new content\n")
        try ZstdFile.compress(URL(fileURLWithPath: source), to: compressed)
        #expect(try ZstdFile.read(compressed) == Array("new content\n".utf8))
        let error = try #require(throws: ZstdFileError.self) {
            try ZstdFile.compress(folder.url.appendingPathComponent("missing"), to: compressed)
        }
        #expect("\(error)".contains("missing"))
        #expect(try ZstdFile.read(compressed) == Array("new content\n".utf8))
    }
}
