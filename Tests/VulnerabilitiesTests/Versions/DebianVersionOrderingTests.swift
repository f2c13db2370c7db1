import Foundation
import TestSupport
import Testing
import Vulnerabilities

@Suite struct DebianVersionOrderingTests {
    let ordering = DebianVersionOrdering()

    /// Debian Policy §5.6.12's rules, each step one of them: '~' before everything, even the end; the end before
    /// letters; letters before other characters; numbers by value; the revision after the upstream version; the epoch
    /// above all.
    static let ascending = [
        "0.9", "1.0~~", "1.0~~a", "1.0~", "1.0~rc1", "1.0", "1.0-1", "1.0-1.1", "1.0-2", "1.0a", "1.0z", "1.0+",
        "1.0+dfsg", "1.0.0", "1.0.1", "1.2", "1.10", "2.0", "2.30.2-1+deb11u1", "2.30.2-1+deb11u2", "2.30.2-1.1",
        "1:0.9", "1:1.0-1", "2:0.1",
    ]

    @Test func publishedExamplesAscend() {
        OrderingExpectations.expectAscending(Self.ascending, by: ordering)
    }

    @Test func sortingAShuffledTableRestoresIt() {
        OrderingExpectations.expectSortingRestores(Self.ascending, by: ordering)
    }

    @Test func spellingsOfOneVersion() {
        OrderingExpectations.expectEqual([
            ("1.0", "1.0-0"), ("0:1.0", "1.0"), ("1.01", "1.1"), ("1.0", "1.00"), (" 1.0", "1.0"),
            ("1:1.0:2-1", "1:1.0:2-1"), ("1.0-1-1", "1.0-1-01"), ("20240101123456789012", "020240101123456789012"),
        ], by: ordering)
    }

    @Test func invalidVersions() {
        OrderingExpectations.expectInvalid([
            "", " ", "1.0-", ":1.0", "1:", "x:1.0", "-1:1.0", "a1.0", "1.0 beta", "1.0_1", "1.0-1_2", "-1.0", "1.0:2",
            "2147483648:1.0", "1.0-1:2", "1.0é",
        ], validExample: "1.0", by: ordering)
    }

    /// The epoch dpkg still reads, the largest a C int holds.
    @Test func largestEpoch() {
        #expect(ordering.compare("2147483647:1.0", "2147483646:9.0") == .orderedDescending)
    }

    @Test func generatedVersionsAreTotallyOrdered() {
        var generator = SplitMix64(seed: 0xDEB)
        OrderingExpectations.expectTotalOrder((0..<60).map { _ in Self.generatedVersion(using: &generator) }, by: ordering)
    }

    /// dpkg is the definition: generated pairs, many of them near each other, ordered as `dpkg --compare-versions`
    /// orders them.
    @Test func agreesWithDpkg() throws {
        let dpkg = try requiredTool("dpkg", package: "dpkg")
        var generator = SplitMix64(seed: 0xD9C6)
        let pairs = (0..<300).map { _ in
            (Self.generatedVersion(using: &generator), Self.generatedVersion(using: &generator))
        } + Self.ascending.map { ($0, $0) }
        // One shell for all the pairs, rather than a process started from here for each.
        let script = """
            while read -r a b; do
              if "$1" --compare-versions "$a" lt "$b"; then echo '<'
              elif "$1" --compare-versions "$a" eq "$b"; then echo '='
              else echo '>'; fi
            done
            """
        let input = pairs.map { "\($0.0) \($0.1)\n" }.joined()
        let result = try run("/bin/sh", ["-c", script, "sh", dpkg], stdin: Data(input.utf8))
        // dpkg warns on stderr about a version it finds bad: every generated one must be good.
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        let answers = result.text.split(separator: "\n")
        try #require(answers.count == pairs.count)
        for ((a, b), answer) in zip(pairs, answers) {
            let expected: ComparisonResult = answer == "<" ? .orderedAscending : answer == "=" ? .orderedSame : .orderedDescending
            #expect(ordering.compare(a, b) == expected, "dpkg: \(a) \(answer) \(b)")
        }
    }

    /// Versions from pieces that stress the rules: tildes, letters, other characters, leading zeros, an epoch with
    /// colons after it, hyphens inside an upstream version that has a revision.
    static func generatedVersion(using generator: inout SplitMix64) -> String {
        let hasEpoch = Bool.random(using: &generator), hasRevision = Bool.random(using: &generator)
        var pieces = ["0", "1", "2", "10", "01", ".", ".", "a", "b", "Z", "~", "~rc", "+", "+dfsg"]
        if hasEpoch { pieces.append(":") }
        if hasRevision { pieces.append("-") }
        var version = hasEpoch ? "\(Int.random(in: 0...2, using: &generator)):" : ""
        version += String(Int.random(in: 0...3, using: &generator))
        for _ in 0..<Int.random(in: 0...4, using: &generator) { version += pieces.randomElement(using: &generator)! }
        if hasRevision {
            version += "-" + ["0", "1", "2", "1.1", "10", "1+deb11u1", "1+deb11u2", "1~bpo11+1", "0ubuntu1", "1ubuntu0.1"]
                .randomElement(using: &generator)!
        }
        return version
    }
}
