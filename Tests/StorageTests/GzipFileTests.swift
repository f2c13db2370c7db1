import Foundation
import Testing
import TestSupport

@testable import Storage

@Suite struct GzipFileTests {
    @Test(arguments: [0, 1, 100_000, 3 << 20])
    func randomContentRoundTrips(count: Int) throws {
        let folder = try TemporaryDirectory("gzip")
        let content = randomBytes(count)
        let source = folder.url.appendingPathComponent("segment")
        try Data(content).write(to: source)
        let compressed = folder.url.appendingPathComponent("segment.gz")
        try GzipFile.compress(source, to: compressed)
        #expect(try GzipFile.read(compressed) == content)
        // Nothing else is left in the folder: the partial file became the destination.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted() == ["segment", "segment.gz"])
    }

    @Test func theSystemGzipReadsWhatIsWritten() throws {
        let folder = try TemporaryDirectory("gzip")
        // Lines, as segments hold, so the deflate stream has real back-references, not only stored blocks.
        let content = Array((0..<20_000).map { "{\"seq\":\($0),\"action\":\"push\"}\n" }.joined().utf8)
        let source = try folder.write("segment", Data(content))
        let compressed = folder.url.appendingPathComponent("segment.gz")
        try GzipFile.compress(URL(fileURLWithPath: source), to: compressed)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: compressed.path)[.size] as? Int)
        #expect(size < content.count / 4)
        let decompressed = try run("gzip", ["-dc", compressed.path])
        #expect(decompressed.stderr.isEmpty, "gzip complained: \(decompressed.stderr)")
        #expect(Array(decompressed.stdout) == content)
        try run("gzip", ["-t", compressed.path])
    }

    @Test func aFileTheSystemGzipWroteIsRead() throws {
        let folder = try TemporaryDirectory("gzip")
        let content = Array((0..<5_000).map { "line \($0)\n" }.joined().utf8) + randomBytes(50_000)
        let compressed = try folder.write("system.gz", try run("gzip", ["-c", "-9"], stdin: Data(content)).stdout)
        #expect(try GzipFile.read(URL(fileURLWithPath: compressed)) == content)
        let empty = try folder.write("empty.gz", try run("gzip", ["-c"], stdin: Data()).stdout)
        #expect(try GzipFile.read(URL(fileURLWithPath: empty)) == [])
    }

    @Test func aTruncatedFileFailsWithAnError() throws {
        let folder = try TemporaryDirectory("gzip")
        // Coded and stored deflate blocks both: lines, then random bytes.
        let content = Array((0..<200).map { "line \($0)\n" }.joined().utf8) + randomBytes(300)
        let source = try folder.write("segment", Data(content))
        let compressed = folder.url.appendingPathComponent("segment.gz")
        try GzipFile.compress(URL(fileURLWithPath: source), to: compressed)
        let whole = try Data(contentsOf: compressed)
        let truncated = folder.url.appendingPathComponent("truncated.gz")
        // Every cut: in the header, the deflate stream, and the trailer.
        for length in 0..<whole.count {
            try whole.prefix(length).write(to: truncated)
            let error = #expect(throws: GzipFileError.self, "cut at \(length) of \(whole.count)") { try GzipFile.read(truncated) }
            #expect(error?.description.contains(truncated.path) == true)
        }
    }

    @Test func aFileThatIsNotGzipIsRefused() throws {
        let folder = try TemporaryDirectory("gzip")
        let plain = try folder.write("plain", "{\"seq\":1}\n")
        let error = try #require(throws: GzipFileError.self) { try GzipFile.read(URL(fileURLWithPath: plain)) }
        #expect("\(error)".contains(plain))
        #expect(throws: GzipFileError.self) { try GzipFile.read(folder.url.appendingPathComponent("missing.gz")) }
    }

    @Test func contentPastTheLimitIsRefused() throws {
        let folder = try TemporaryDirectory("gzip")
        let source = try folder.write("segment", Data(count: 1 << 20))
        let compressed = folder.url.appendingPathComponent("segment.gz")
        try GzipFile.compress(URL(fileURLWithPath: source), to: compressed)
        #expect(try GzipFile.read(compressed, limit: 1 << 20).count == 1 << 20)
        #expect(throws: GzipFileError.self) { try GzipFile.read(compressed, limit: (1 << 20) - 1) }
    }

    @Test func compressingReplacesTheDestinationAndReportsAMissingSource() throws {
        let folder = try TemporaryDirectory("gzip")
        let compressed = folder.url.appendingPathComponent("segment.gz")
        try folder.write("segment.gz", "an older file")
        let source = try folder.write("segment", "new content\n")
        try GzipFile.compress(URL(fileURLWithPath: source), to: compressed)
        #expect(try GzipFile.read(compressed) == Array("new content\n".utf8))
        let error = try #require(throws: GzipFileError.self) {
            try GzipFile.compress(folder.url.appendingPathComponent("missing"), to: compressed)
        }
        #expect("\(error)".contains("missing"))
        #expect(try GzipFile.read(compressed) == Array("new content\n".utf8))
    }
}
