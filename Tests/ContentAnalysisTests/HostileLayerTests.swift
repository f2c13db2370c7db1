import ContentAnalysis
import Foundation
import TestSupport
import Testing

/// A layer built to hurt the scanner ends as `unscannable` with the reason naming what it hit; never a crash, never a
/// pass.
@Suite struct HostileLayerTests {
    @Test func aGzipBombStopsAtTheExpansionRatio() throws {
        let (report, fixture) = try Scans.layer("gzip-bomb")
        #expect(fixture.size < 200_000)
        #expect(report.outcome == .unscannable(reason: "expanded past 100× its compressed size (decompression bomb?)"))
        #expect(report.expandedBytes > ScanLimits.ratioCheckThreshold)
        #expect(report.expandedBytes < 80 << 20)
    }

    @Test func aTruncatedGzipIsCorrupt() throws {
        let (report, _) = try Scans.layer("truncated-gzip")
        #expect(report.outcome == .unscannable(reason: "corrupt or truncated compression: truncated gzip input"))
    }

    @Test func anUnknownMediaTypeIsNotRead() throws {
        let (report, fixture) = try Scans.layer("unknown-media-type")
        #expect(fixture.mediaType == "application/vnd.example.unknown")
        #expect(report == LayerReport(outcome: .unscannable(reason: "unknown layer media type application/vnd.example.unknown"),
                                      inventory: LayerInventory()))
    }

    @Test func anEncryptedLayerIsNotRead() throws {
        let mediaType = "application/vnd.oci.image.layer.v1.tar+gzip+encrypted"
        let (report, _) = try Scans.layer("clean", mediaType: mediaType)
        #expect(report == LayerReport(outcome: .unscannable(reason: "encrypted layer (\(mediaType))"), inventory: LayerInventory()))
        #expect(LayerScanner.isLayerMediaType(mediaType))
        #expect(!LayerScanner.isLayerMediaType("application/vnd.example.unknown"))
    }

    @Test func aSymlinkLoopIsFound() throws {
        let (report, _) = try Scans.layer("symlink-loop")
        #expect(report.outcome == .unscannable(reason: "symlink loop at a/b"))
    }

    @Test func aPathOverTheLimitIsRefused() throws {
        let (report, _) = try Scans.layer("long-path")
        let path = "deep/" + String(repeating: "d", count: 5000) + "/file"
        #expect(report.outcome == .unscannable(reason: "path longer than 4096 bytes: \(path.prefix(80))…"))
    }

    @Test func tooManyEntriesAreRefused() throws {
        let (report, _) = try Scans.layer("many-files", scanner: LayerScanner(limits: ScanLimits(maxEntries: 5000)))
        #expect(report.outcome == .unscannable(reason: "more than 5000 entries"))
        #expect(report.entries == 5001)
    }

    @Test func theExpandedSizeLimitHolds() throws {
        let (report, _) = try Scans.layer("clean", scanner: LayerScanner(limits: ScanLimits(maxExpandedBytes: 4096)))
        #expect(report.outcome == .unscannable(reason: "expanded past 4096 bytes"))
    }

    @Test func aFailingSourceIsUnscannable() {
        struct Failing: LayerSource {
            struct Broken: Error, CustomStringConvertible { var description: String { "disk on fire" } }
            var served = false
            mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
                guard !served else { throw Broken() }
                served = true
                // A gzip header, then nothing more to give.
                buffer.copyBytes(from: [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0xff])
                return 10
            }
        }
        var source = Failing()
        let report = LayerScanner().scan(mediaType: nil, source: &source)
        #expect(report.outcome == .unscannable(reason: "cannot read the layer: disk on fire"))
    }

    @Test func garbageUnderALayerMediaTypeIsCorrupt() {
        var source = BytesSource(Array("this is not a tar archive, just text that is long enough".utf8))
        let report = LayerScanner().scan(mediaType: "application/vnd.oci.image.layer.v1.tar", source: &source)
        guard case .unscannable(let reason) = report.outcome else {
            Issue.record("garbage was \(report.outcome)")
            return
        }
        #expect(reason.hasPrefix("corrupt or truncated tar: "))
    }
}

/// A layer source over bytes in memory, handing them out in chunks of `chunk` bytes.
struct BytesSource: LayerSource {
    var bytes: [UInt8]
    var offset = 0
    var chunk: Int

    init(_ bytes: [UInt8], chunk: Int = 1 << 16) {
        self.bytes = bytes
        self.chunk = chunk
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, chunk, bytes.count - offset)
        buffer.copyBytes(from: bytes[offset..<offset + count])
        offset += count
        return count
    }
}

extension HostileLayerTests {
    @Test func aLayerOfThousandsOfSecretsKeepsTheFirstThousandAndCountsTheRest() throws {
        let (report, _) = try Scans.layer("many-secrets")
        #expect(report.outcome == .scanned)
        #expect(report.findings.count == 1_000 && report.omittedFindings == 500, "\(report.findings.count) kept, \(report.omittedFindings) counted")
        #expect(report.findings.allSatisfy { $0.rule == "npm-token" && $0.path == "srv/tokens.txt" })
        #expect(report.findings.map(\.line) == Array(1...1_000), "the first thousand, in order")
    }
}
