import Foundation
import Testing
import Vulnerabilities

@Suite struct AlpineVersionOrderingTests {
    let ordering = AlpineVersionOrdering()

    /// Where two versions part, apk ranks a pre-release suffix lowest, then the version that ended, then by how late
    /// in `digits.digits letter _suffix -r` the other goes on: `1.2 < 1.2-r1 < 1.2_p1 < 1.2a < 1.2.0`.
    static let ascending = [
        "1.0", "1.2_alpha", "1.2_alpha1", "1.2_beta2", "1.2_pre1", "1.2_rc1", "1.2_rc1-r1", "1.2", "1.2-r0", "1.2-r1",
        "1.2-r2", "1.2-r10", "1.2_cvs", "1.2_svn", "1.2_git20240101", "1.2_hg", "1.2_p1", "1.2_p1-r1", "1.2_p2", "1.2a",
        "1.2a_p1", "1.2b", "1.2.0", "1.2.3_rc1", "1.2.3", "1.2.3_p1", "1.10", "3.0.8-r0", "3.0.10-r0", "10.0",
    ]

    @Test func publishedExamplesAscend() {
        OrderingExpectations.expectAscending(Self.ascending, by: ordering)
    }

    @Test func sortingAShuffledTableRestoresIt() {
        OrderingExpectations.expectSortingRestores(Self.ascending, by: ordering)
    }

    /// A component after a dot with a leading zero compares as text, like a decimal fraction.
    @Test func leadingZerosReadAsFractions() {
        OrderingExpectations.expectAscending(["1.001", "1.01", "1.010", "1.09", "1.1", "1.2"], by: ordering)
    }

    @Test func spellingsOfOneVersion() {
        // Only the first number reads purely by value.
        OrderingExpectations.expectEqual([("01.2", "1.2"), ("1.2-r01", "1.2-r1"), ("1.2_rc01", "1.2_rc1")], by: ordering)
    }

    @Test func invalidVersions() {
        OrderingExpectations.expectInvalid([
            "", "a1", "1.", "1..2", ".1", "1.2_foo", "1.2_", "1.2-r", "1.2-1", "1.2A", "1.2ab", "1.2a.3", "1.2_rc1a",
            "1.2-r1_p1", "1.2-r1-r2", "1.2~", "1.2~xyz", " 1.2", "1.2 ", "v1.2",
        ], validExample: "1.2", by: ordering)
    }

    @Test func commitHashesAreVersions() {
        #expect(ordering.compare("1.2_git20240101~abc123-r0", "1.2_git20240101~abc123-r0") == .orderedSame)
    }
}
