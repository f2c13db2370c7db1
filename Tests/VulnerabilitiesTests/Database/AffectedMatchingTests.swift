import Testing
import Vulnerabilities

/// The schema's evaluation algorithm and its examples, under dotted-integer versions.
@Suite struct AffectedMatchingTests {
    private let ordering = DottedIntegerOrdering()

    private func affected(_ events: OSVRecord.Event..., type: OSVRecord.RangeType = .ecosystem, versions: [String] = []) -> AffectedPackage {
        .init(ecosystem: "Test", name: "p", ranges: [.init(type: type, events: events)], versions: versions)
    }

    @Test(arguments: [("0.1", true), ("1.2", false), ("1.1.9", true), ("2.0", false), ("0", true)])
    func fromTheBeginningUntilFixed(version: String, expected: Bool) {
        #expect(affected(.introduced("0"), .fixed("1.2")).affects(version, ordering: ordering) == expected)
    }

    @Test func onlyIntroducedAffectsEverythingFromThere() {
        let entry = affected(.introduced("2.0"), type: .semver)
        #expect(entry.affects("1.9", ordering: ordering) == false)
        #expect(entry.affects("2.0", ordering: ordering) == true)
        #expect(entry.affects("99.0", ordering: ordering) == true)
    }

    @Test(arguments: [
        ("0.9", false), ("1.0.0", true), ("1.0.1", true), ("1.0.2", false), ("2.5", false),
        ("3.0.0", true), ("3.2.4", true), ("3.2.5", false), ("4.0", false),
    ])
    func multipleIntroducedAndFixedPairs(version: String, expected: Bool) {
        let entry = affected(.introduced("1.0.0"), .fixed("1.0.2"), .introduced("3.0.0"), .fixed("3.2.5"), type: .semver)
        #expect(entry.affects(version, ordering: ordering) == expected)
    }

    @Test func eventsOutOfOrderAreSortedFirst() {
        let entry = affected(.fixed("3.2.5"), .introduced("3.0.0"), .fixed("1.0.2"), .introduced("1.0.0"))
        #expect(entry.affects("1.0.1", ordering: ordering) == true)
        #expect(entry.affects("2.0", ordering: ordering) == false)
        #expect(entry.affects("3.1", ordering: ordering) == true)
        #expect(entry.affects("3.2.5", ordering: ordering) == false)
    }

    @Test(arguments: [("2.1.213", true), ("2.1.214", true), ("2.1.215", false), ("3", false)])
    func lastAffectedIsInclusive(version: String, expected: Bool) {
        #expect(affected(.introduced("0"), .lastAffected("2.1.214")).affects(version, ordering: ordering) == expected)
    }

    @Test(arguments: [("1.5", true), ("1.9.9", true), ("2.0", false), ("2.5", false), ("0.5", false)])
    func limitBoundsTheRange(version: String, expected: Bool) {
        #expect(affected(.introduced("1.0"), .limit("2.0")).affects(version, ordering: ordering) == expected)
    }

    @Test func aStarLimitIsNoLimit() {
        #expect(affected(.introduced("1.0"), .limit("*")).affects("1000.0", ordering: ordering) == true)
    }

    @Test func listedVersionsAreAffectedWhateverTheRanges() {
        let entry = affected(.introduced("5.0"), versions: ["1.0", "not-a-version"])
        #expect(entry.affects("1.0", ordering: ordering) == true)
        #expect(entry.affects("not-a-version", ordering: ordering) == true)
        #expect(entry.affects("2.0", ordering: ordering) == false)
    }

    @Test func gitRangesAreSkipped() {
        let entry = affected(.introduced("0"), .fixed("2ee6ffdbf7a1fc37c0fbaba28d4a7e4c65b5ba5f"), type: .git, versions: ["1.1"])
        #expect(entry.affects("1.0", ordering: ordering) == false)
        #expect(entry.affects("1.1", ordering: ordering) == true)
    }

    @Test func anInvalidVersionIsUnknown() {
        #expect(affected(.introduced("0"), .fixed("1.2")).affects("1.0-beta", ordering: ordering) == nil)
    }

    @Test func anInvalidEventVersionIsUnknown() {
        #expect(affected(.introduced("0"), .fixed("1.2rc1")).affects("5.0", ordering: ordering) == nil)
    }

    @Test func anUnknownRangeTypeIsUnknownUnlessAnotherRangeMatches() {
        let unknown = OSVRecord.Range(type: .unknown("NEW"), events: [.introduced("0")])
        let matching = OSVRecord.Range(type: .ecosystem, events: [.introduced("0"), .fixed("2.0")])
        let entry = AffectedPackage(ecosystem: "Test", name: "p", ranges: [unknown, matching])
        #expect(entry.affects("1.0", ordering: ordering) == true)
        #expect(entry.affects("3.0", ordering: ordering) == nil)
    }

    @Test func noRangesAndNoVersionsAffectsNothing() {
        #expect(AffectedPackage(ecosystem: "Test", name: "p").affects("1.0", ordering: ordering) == false)
    }

    @Test func fixedVersionIsTheSmallestAboveTheVersion() {
        let entry = AffectedPackage(
            ecosystem: "Test", name: "p",
            ranges: [
                .init(type: .ecosystem, events: [.introduced("3.0"), .fixed("3.2.5"), .introduced("1.0"), .fixed("1.0.2")]),
                .init(type: .semver, events: [.introduced("1.0"), .fixed("1.0.10"), .fixed("bogus")]),
                .init(type: .git, events: [.introduced("0"), .fixed("1.0.1")]),
            ])
        #expect(entry.fixedVersion(after: "1.0.0", ordering: ordering) == "1.0.2")
        #expect(entry.fixedVersion(after: "1.0.2", ordering: ordering) == "1.0.10")
        #expect(entry.fixedVersion(after: "3.1", ordering: ordering) == "3.2.5")
        #expect(entry.fixedVersion(after: "3.2.5", ordering: ordering) == nil)
        #expect(entry.fixedVersion(after: "x", ordering: ordering) == nil)
    }
}
