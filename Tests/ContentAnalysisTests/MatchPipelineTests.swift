@testable import ContentAnalysis
import TestSupport
import Testing

/// Files are matched on another thread from fixed-size batches of their bytes: a secret cut by a batch's end, files
/// that share a batch, and binary or documentation files among them report exactly what matching each file whole does.
@Suite struct MatchPipelineTests {
    static let matcher = SecretMatcher(patterns: SecretPattern.builtIn)

    /// What one `FileMatcher` fed the whole file at once finds.
    func wholeFileFindings(_ path: String, _ contents: [UInt8]) -> [SecretFinding] {
        var file = FileMatcher(matcher: Self.matcher, path: path)
        contents.withUnsafeBytes { file.feed($0, more: false) }
        file.finish()
        return file.isBinary ? [] : file.findings
    }

    @Test func aSecretAcrossABatchBoundaryIsFoundAtItsLine() throws {
        let github = try Scans.secret("github_token"), npm = try Scans.secret("npm_token")
        let secretLine = Array("token: \(github)\n".utf8)
        for cut in [1, 10, 20, secretLine.count - 1] {
            // Filler lines, then the secret's line starting `cut` bytes before the first batch ends.
            let fillerLine = Array("filler text without keywords\n".utf8)
            let fillerBytes = MatchBatch.capacity - cut
            var big = [UInt8]()
            while big.count + fillerLine.count <= fillerBytes { big += fillerLine }
            big += [UInt8](repeating: UInt8(ascii: "."), count: fillerBytes - big.count)
            big += secretLine
            big += Array("after\nnpm = \(npm)\n".utf8)
            let files: [(path: String, contents: [UInt8])] = [
                ("app/big.txt", big),
                ("app/binary.bin", [0x7f, 0x45, 0x4c, 0x46, 0] + Array("token: \(github)\n".utf8)),
                ("usr/share/doc/tool/README", Array("token: \(github)\n".utf8)),
                ("app/small.env", Array("x\nNPM=\(npm)\n".utf8)),
            ]
            var source = BytesSource(tarArchive(files), chunk: 4096)
            let report = LayerScanner().scan(mediaType: "application/vnd.oci.image.layer.v1.tar", source: &source)
            let expected = files.filter { !DocumentationPaths.contains($0.path) }.flatMap { wholeFileFindings($0.path, $0.contents) }
            #expect(report.outcome == .scanned)
            #expect(report.findings == expected, "cut \(cut)")
            let fillerLines = big.prefix(fillerBytes).filter { $0 == 0x0a }.count
            #expect(report.findings.map(\.line) == [fillerLines + 1, fillerLines + 3, 2], "cut \(cut)")
        }
    }

    @Test func aScanStoppedInsideAFileKeepsTheFilesBeforeIt() throws {
        let npm = try Scans.secret("npm_token")
        let files: [(path: String, contents: [UInt8])] = [
            ("app/first.env", Array("NPM=\(npm)\n".utf8)),
            ("app/second.env", Array("NPM=\(npm)\n".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 600_000)),
        ]
        let layer = tarArchive(files)
        // Cut inside the second file's data, past its secret.
        var source = BytesSource(Array(layer.prefix(400_000)), chunk: 4096)
        let report = LayerScanner().scan(mediaType: "application/vnd.oci.image.layer.v1.tar", source: &source)
        #expect(report.findings == wholeFileFindings(files[0].path, files[0].contents))
        guard case .unscannable = report.outcome else {
            Issue.record("a truncated layer was \(report.outcome)")
            return
        }
    }
}
