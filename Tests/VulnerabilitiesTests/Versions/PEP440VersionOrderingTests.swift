import Foundation
import TestSupport
import Testing
import Vulnerabilities

@Suite struct PEP440VersionOrderingTests {
    let ordering = PEP440VersionOrdering()

    /// PEP 440's own example of "a release, its pre-, post- and development releases, in order" (section "Summary of
    /// permitted suffixes and relative ordering"), with an epoch above it all.
    static let ascending = [
        "0.9", "1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12", "1.0b1.dev456", "1.0b2",
        "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456", "1.0rc1", "1.0", "1.0+abc.5", "1.0+abc.7", "1.0+5",
        "1.0.post456.dev34", "1.0.post456", "1.0.15", "1.1.dev1", "2.0", "1!0.1",
    ]

    @Test func publishedExamplesAscend() {
        OrderingExpectations.expectAscending(Self.ascending, by: ordering)
        OrderingExpectations.expectAscending(["1.0.dev0", "1.0a1", "1.0b2", "1.0rc1", "1.0", "1.0.post1"], by: ordering)
    }

    @Test func sortingAShuffledTableRestoresIt() {
        OrderingExpectations.expectSortingRestores(Self.ascending, by: ordering)
    }

    /// PEP 440's normalisation, one rule a pair.
    @Test func spellingsOfOneVersion() {
        OrderingExpectations.expectEqual([
            ("1.0", "1.0.0"), ("1.0-alpha.1", "1.0a1"), ("1.0a", "1.0a0"), ("1.0BETA_2", "1.0b2"), ("1.0c1", "1.0rc1"),
            ("1.0pre1", "1.0rc1"), ("1.0-preview-1", "1.0rc1"), ("1.0.post", "1.0.post0"), ("1.0-1", "1.0.post1"),
            ("1.0rev1", "1.0.post1"), ("1.0_r1", "1.0.post1"), ("1.0DEV", "1.0.dev0"), ("v1.0", "1.0"), ("0!1.0", "1.0"),
            (" 1.0\n", "1.0"), ("1.0+ABC", "1.0+abc"), ("1.0+abc-1_2", "1.0+abc.1.2"), ("1.0+01", "1.0+1"),
            ("01.02", "1.2"), ("1.0a-", "1.0a0"),
        ], by: ordering)
    }

    @Test func invalidVersions() {
        OrderingExpectations.expectInvalid([
            "", "1.0.junk!", "1.0-", "1.0.", "1.0+", "1.0+a..b", "1!", "!1.0", "a1.0", "1.0a1a", "1.0+abc!", "1.0 1",
            "1.0.dev1.post1", "1.0rc1a1", "vv1.0", "1.0é",
        ], validExample: "1.0", by: ordering)
    }

    @Test func generatedVersionsAreTotallyOrdered() {
        var generator = SplitMix64(seed: 0x440)
        let versions = (0..<200).map { _ in Self.generatedVersion(using: &generator) }
            .filter { ordering.compare($0, $0) != nil }
            .prefix(60)
        OrderingExpectations.expectTotalOrder(Array(versions), by: ordering)
    }

    /// Python's `packaging`, what pip orders by, agrees on which generated spellings are versions and on their order.
    @Test func agreesWithPythonPackaging() throws {
        let python = try python3(with: "packaging")
        var generator = SplitMix64(seed: 0x9E9)
        let pairs = (0..<600).map { _ in
            (Self.generatedVersion(using: &generator), Self.generatedVersion(using: &generator))
        }
        let script = """
            import json, sys
            from packaging.version import InvalidVersion, Version
            def read(text):
                try:
                    return Version(text)
                except InvalidVersion:
                    return None
            for line in sys.stdin:
                a, b = map(read, json.loads(line))
                print("invalid" if a is None or b is None else "<" if a < b else "=" if a == b else ">")
            """
        let input = try pairs.map { String(decoding: try JSONEncoder().encode([$0.0, $0.1]), as: UTF8.self) + "\n" }.joined()
        let answers = try run(python, ["-c", script], stdin: Data(input.utf8)).text.split(separator: "\n")
        try #require(answers.count == pairs.count)
        var compared = 0
        for ((a, b), answer) in zip(pairs, answers) {
            let expected: ComparisonResult? = switch answer {
            case "<": .orderedAscending
            case "=": .orderedSame
            case ">": .orderedDescending
            default: nil
            }
            #expect(ordering.compare(a, b) == expected, "packaging: \(a.debugDescription) \(answer) \(b.debugDescription)")
            if expected != nil { compared += 1 }
        }
        // The generator makes both valid and invalid spellings; the check is only worth something with many of each.
        #expect(compared > 150 && compared < 550, "\(compared) valid pairs")
    }

    /// Spellings of versions from pieces, each piece in several of the forms normalisation accepts, and now and then
    /// one it refuses.
    static func generatedVersion(using generator: inout SplitMix64) -> String {
        let separators = ["", "", ".", "-", "_"], numbers = ["", "0", "1", "2", "10", "01"]
        var version = pick(["", "", "", "v", "V", " "], &generator)
        if Bool.random(using: &generator) { version += pick(["0!", "1!", "2!"], &generator) }
        version += pick(["0", "1", "2", "10", "01"], &generator)
        for _ in 0..<Int.random(in: 0...3, using: &generator) { version += "." + pick(["0", "1", "2", "10", "00"], &generator) }
        if Bool.random(using: &generator) {
            version += pick(separators, &generator) + pick(["a", "alpha", "b", "beta", "c", "rc", "pre", "preview", "RC"], &generator)
                + pick(separators, &generator) + pick(numbers, &generator)
        }
        switch Int.random(in: 0..<3, using: &generator) {
        case 0: version += pick(["-1", "-2"], &generator)
        case 1:
            version += pick(separators, &generator) + pick(["post", "rev", "r", "POST"], &generator)
                + pick(separators, &generator) + pick(numbers, &generator)
        default: break
        }
        if Bool.random(using: &generator) {
            version += pick(separators, &generator) + pick(["dev", "DEV"], &generator) + pick(separators, &generator) + pick(numbers, &generator)
        }
        if Bool.random(using: &generator) {
            version += "+" + pick(["abc", "ABC", "1", "01", "abc.5", "5.abc", "a-b_c", "x..y", ""], &generator)
        }
        return version + pick(["", "", "", "", "", " ", "!", ".", "-", "junk"], &generator)
    }

    private static func pick(_ choices: [String], _ generator: inout SplitMix64) -> String {
        choices.randomElement(using: &generator)!
    }
}
