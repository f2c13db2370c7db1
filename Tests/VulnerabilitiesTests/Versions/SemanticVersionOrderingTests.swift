import Foundation
import Testing
import Vulnerabilities

@Suite struct SemanticVersionOrderingTests {
    let ordering = SemanticVersionOrdering()

    /// semver.org §11's chain, with numeric identifiers before alphanumeric ones and ASCII order among those.
    static let ascending = [
        "0.9.9", "1.0.0-0", "1.0.0-2", "1.0.0-10", "1.0.0-Alpha", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
        "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.9.0", "1.10.0", "1.11.0",
        "2.0.0", "2.1.0", "2.1.1", "18446744073709551616.0.0",
    ]

    @Test func publishedExamplesAscend() {
        OrderingExpectations.expectAscending(Self.ascending, by: ordering)
    }

    @Test func sortingAShuffledTableRestoresIt() {
        OrderingExpectations.expectSortingRestores(Self.ascending, by: ordering)
    }

    @Test func buildMetadataIsIgnored() {
        OrderingExpectations.expectEqual([
            ("1.0.0+build.1", "1.0.0+other"), ("1.0.0-rc.1+x", "1.0.0-rc.1"), ("1.0.0+001", "1.0.0"),
            ("1.0.0-x-y-z.--", "1.0.0-x-y-z.--+a-b"),
        ], by: ordering)
    }

    @Test func invalidVersions() {
        OrderingExpectations.expectInvalid([
            "", "1.2", "01.2.3", "1.02.3", "1.2.03", "1.2.3-01", "1.2.3-", "1.2.3+", "1.2.3-a..b", "1.2.3+a..b",
            "1.2.3.4", "1.2.3-a_b", "v1.2.3", "V1.2.3", " 1.2.3", "1.2.-3", "-1.2.3", "1.2.3-é",
        ], validExample: "1.2.3", by: ordering)
    }

    /// Go's module versions carry a `v`, its pseudo-versions are pre-releases of the next patch.
    @Test func goVersionsMayStartWithV() {
        let go = SemanticVersionOrdering(acceptsLeadingV: true)
        #expect(go.compare("v1.2.3", "1.2.3") == .orderedSame)
        OrderingExpectations.expectAscending(
            ["v0.0.0-20210101000000-abcdef123456", "v0.0.0-20220101000000-abcdef123456", "v0.1.0", "v1.2.3", "1.2.4",
             "v2.0.0+incompatible", "v2.0.1"],
            by: go)
        OrderingExpectations.expectInvalid(["V1.2.3", "vv1.2.3", "v1.2"], validExample: "v1.2.3", by: go)
    }
}
