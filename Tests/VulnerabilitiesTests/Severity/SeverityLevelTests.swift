import Testing
import Vulnerabilities

@Suite struct SeverityLevelTests {
    /// Scores checked against the CVSS v3.1 formulas evaluated by hand (Python), and the FIRST calculator's examples.
    @Test(arguments: [
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, SeverityLevel.critical),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, .medium),
        ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8, .high),
        ("CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9, .medium),
        ("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6, .low),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, .critical),
        ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:N/A:N", 5.0, .medium),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/MAV:L", 9.8, .critical),
    ])
    func cvssBaseScore(vector: String, score: Double, level: SeverityLevel) throws {
        let parsed = try #require(CVSS3Vector(vector))
        #expect(parsed.baseScore == score)
        #expect(parsed.level == level)
    }

    @Test func noImpactScoresZeroAndRatesNothing() throws {
        let parsed = try #require(CVSS3Vector("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"))
        #expect(parsed.baseScore == 0)
        #expect(parsed.level == nil)
    }

    @Test(arguments: [
        "CVSS:2.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "AV:N/AC:L/Au:N/C:P/I:P/A:P",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",
        "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/",
    ])
    func malformedVectorsAreRejected(vector: String) {
        #expect(CVSS3Vector(vector) == nil)
    }

    @Test(arguments: [
        ("LOW", SeverityLevel.low), ("MODERATE", .medium), ("Medium", .medium), ("HIGH", .high), ("CRITICAL", .critical),
        ("unimportant", .low), ("negligible", .low), ("medium**", .medium), ("Important", .high),
    ])
    func words(word: String, level: SeverityLevel) {
        #expect(SeverityLevel(word: word) == level)
    }

    @Test(arguments: ["not yet assigned", "end-of-life", "", "UNKNOWN"])
    func wordsThatStateNoSeverity(word: String) {
        #expect(SeverityLevel(word: word) == nil)
    }

    @Test func levelsAreOrdered() {
        #expect(SeverityLevel.low < .medium && SeverityLevel.medium < .high && SeverityLevel.high < .critical)
        #expect(!(SeverityLevel.critical < .low))
    }
}
