@testable import ContentAnalysis
import Testing

/// The streaming matcher gives the same findings however the file is cut into blocks: keywords, lines and private key
/// blocks straddle block boundaries, and lines outgrow the carried 8 KiB.
@Suite struct FileMatcherTests {
    static let matcher = SecretMatcher(patterns: SecretPattern.builtIn)

    func findings(_ content: [UInt8], blockSize: Int, path: String = "app/file") -> [SecretFinding] {
        var file = FileMatcher(matcher: Self.matcher, path: path)
        var offset = 0
        while offset < content.count {
            let end = min(content.count, offset + blockSize)
            content[offset..<end].withUnsafeBytes { file.feed($0, more: end < content.count) }
            offset = end
        }
        file.finish()
        return file.isBinary ? [] : file.findings
    }

    @Test func findingsDoNotDependOnBlockBoundaries() throws {
        let pem = try Scans.secret("rsa_private_key")
        let github = try Scans.secret("github_token"), npm = try Scans.secret("npm_token")
        let longLine = String(repeating: "filler words here ", count: 1000)   // 18 000 bytes, no keyword
        let lines = [
            "first line",
            pem,                                                   // lines 2 to 2 + pem lines - 1
            "between",
            "token: \(github)",
            longLine + "and npm_ then \(npm)",                    // a line far longer than the carry
            "last line without a line feed: \(github)",
        ]
        let content = Array(lines.joined(separator: "\n").utf8)
        let pemLines = pem.split(separator: "\n").count
        let expected = [
            try Scans.finding("private-key", "app/file", line: 2, secret: "rsa_private_key"),
            try Scans.finding("github-token", "app/file", line: 3 + pemLines, secret: "github_token"),
            try Scans.finding("npm-token", "app/file", line: 4 + pemLines, secret: "npm_token"),
            try Scans.finding("github-token", "app/file", line: 5 + pemLines, secret: "github_token"),
        ]
        for blockSize in [1, 2, 7, 64, 511, 4096, 8191, 65536, content.count] {
            #expect(findings(content, blockSize: blockSize) == expected, "block size \(blockSize)")
        }
    }

    @Test func aNULInTheFirst8KiBMakesAFileBinary() throws {
        let github = try Scans.secret("github_token")
        let text = Array("token = \(github)\n".utf8)
        #expect(findings(text + [0] + text, blockSize: 5).isEmpty)
        #expect(findings(Array(repeating: UInt8(ascii: "a"), count: 9000) + [0] + text, blockSize: 4096).count == 1)
    }

    @Test func lineNumbersCountEveryLineFeedBeforeTheHit() throws {
        let npm = try Scans.secret("npm_token")
        let content = Array((String(repeating: "x\n", count: 70_000) + "\n\nnpm = \(npm)\n").utf8)
        let expected = [try Scans.finding("npm-token", "app/file", line: 70_003, secret: "npm_token")]
        for blockSize in [3, 1000, 65536] {
            #expect(findings(content, blockSize: blockSize) == expected, "block size \(blockSize)")
        }
    }
}
