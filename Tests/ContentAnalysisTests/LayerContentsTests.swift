import ContentAnalysis
import Foundation
import TestSupport
import Testing

/// What a layer says about the layers below it, and sniffing blobs whose media type is not given.
@Suite struct LayerContentsTests {
    @Test func aDeletedSecretIsStillReportedInItsLayerAndTheWhiteoutsAreListed() throws {
        let image = try Scans.image("deleted-secret", as: .oci)
        #expect(image.layers[0].report.findings == [try Scans.finding("npm-token", "app/.npmrc", line: 1, secret: "npm_token")])
        #expect(image.layers[0].report.whiteouts == [])
        #expect(image.layers[1].report.findings == [])
        #expect(image.layers[1].report.whiteouts == ["app/.npmrc"])
        #expect(image.layers[1].report.opaqueDirectories == ["var/cache"])
        #expect(image.layers.allSatisfy { $0.report.outcome == .scanned })
    }

    @Test func aConfigBlobIsNotALayerAndCostsOnlyItsFirstBytes() throws {
        let config = Array(#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#.utf8)
            + Array(repeating: UInt8(ascii: " "), count: 100_000)
        var source = BytesSource(config, chunk: 64)
        let report = LayerScanner().scan(mediaType: nil, source: &source)
        #expect(report == LayerReport(outcome: .notALayer))
        #expect(source.offset <= 320)
    }

    @Test func sniffedLayersAreScannedLikeDeclaredOnes() throws {
        for name in ["secrets", "zstd"] {
            let declared = try Scans.layer(name).report
            let sniffed = try Scans.layer(name, mediaType: .some(nil)).report
            #expect(sniffed == declared)
            #expect(!sniffed.findings.isEmpty)
        }
        // Uncompressed tar is sniffed by its ustar magic.
        #expect(try Scans.layer("symlink-loop", mediaType: .some(nil)).report.outcome == .unscannable(reason: "symlink loop at a/b"))
    }

    @Test func progressCountsTheCompressedBytes() throws {
        nonisolated(unsafe) var seen: [Int64] = []
        let (report, fixture) = try Scans.layer("many-files", progress: { seen.append($0) })
        #expect(report.outcome == .scanned)
        #expect(seen == seen.sorted())
        #expect(seen.last == fixture.size)
    }

    @Test func theExpandedSizeIsTheTarSizeUpToItsLastRecord() throws {
        let folder = try TemporaryDirectory("expanded")
        let file = folder.url.appendingPathComponent("layer")
        try buildLayerFixture("clean", at: file)
        let tarSize = try run("sh", ["-c", "gzip -dc < \"$0\" | wc -c", file.path]).trimmedText
        let report = try Scans.scanFile(file, mediaType: nil)
        // Read through the end-of-archive blocks; the padding of the last 10 KiB tar record after them is not needed.
        let size = try #require(Int64(tarSize))
        #expect(report.expandedBytes <= size && report.expandedBytes > size - 10240)
    }
}
