import Declarations
import Foundation
import Lifecycle
import Testing

/// Which tags each rule keeps, alone and together, and that an image's tags stay or go together.
@Suite struct TagRuleTests {
    /// Three images, one tag each, pushed 3, 2 and 1 days ago.
    let tags = [tag("a", on: "image-a", pushed: 3 * day), tag("b", on: "image-b", pushed: 2 * day), tag("c", on: "image-c", pushed: day)]
    let manifests = [manifest("image-a", pushed: 3 * day), manifest("image-b", pushed: 2 * day), manifest("image-c", pushed: day)]

    @Test func keepLastFewerThanTheTagsDeletesTheOldest() {
        let reason = "not among the 2 most recently pushed tags (keepLast 2)"
        #expect(plan(tags, manifests, RetentionRules(keepLast: 2))
            == expected(tags: [("a", on: "image-a", reason)], manifests: [("image-a", "its tags are deleted: a")]))
    }

    @Test(arguments: [3, 10]) func keepLastAtOrAboveTheTagCountDeletesNothing(keepLast: Int) {
        #expect(plan(tags, manifests, RetentionRules(keepLast: keepLast)).isEmpty)
    }

    @Test func keepLastBreaksTiesByTagNameAscending() {
        let tied = ["c", "a", "b"].map { tag($0, on: "image-\($0)", pushed: day) }
        let reason = "not among the 2 most recently pushed tags (keepLast 2)"
        #expect(plan(tied, manifests, RetentionRules(keepLast: 2))
            == expected(tags: [("c", on: "image-c", reason)], manifests: [("image-c", "its tags are deleted: c")]))
    }

    @Test func keepPushedWithinKeepsTagsPushedUpToTheSpanAgo() {
        let tags = [tag("edge", on: "edge", pushed: 7 * day), tag("old", on: "old", pushed: 7 * day + 1), tag("new", on: "new", pushed: hour)]
        let manifests = [manifest("edge", pushed: 30 * day), manifest("old", pushed: 30 * day), manifest("new", pushed: 30 * day)]
        #expect(plan(tags, manifests, RetentionRules(keepPushedWithin: span("7d")))
            == expected(tags: [("old", on: "old", "not pushed within 7d")], manifests: [("old", "its tags are deleted: old")]))
    }

    @Test func keepPulledWithinReadsTheManifestsLastPullAndNeverPulledIsNotKept() {
        let tags = [tag("recent", on: "recent", pushed: 60 * day), tag("stale", on: "stale", pushed: 60 * day),
                    tag("never", on: "never", pushed: hour)]
        let manifests = [manifest("recent", pushed: 60 * day, pulled: 30 * day), manifest("stale", pushed: 60 * day, pulled: 30 * day + 1),
                         manifest("never", pushed: hour)]
        let reason = "not pulled within 30d"
        #expect(plan(tags, manifests, RetentionRules(keepPulledWithin: span("30d")))
            == expected(tags: [("never", on: "never", reason), ("stale", on: "stale", reason)],
                        manifests: [("never", "its tags are deleted: never"), ("stale", "its tags are deleted: stale")]))
    }

    @Test func aTagKeptByAnyRuleSurvivesAndTheReasonNamesEverySetRule() {
        // "first" is kept by keepLast (and keepPushedWithin), "second" by keepPushedWithin alone, "pulled" by
        // keepPulledWithin alone; "old" by none.
        let tags = [tag("first", on: "first", pushed: hour), tag("second", on: "second", pushed: 5 * day),
                    tag("pulled", on: "pulled", pushed: 80 * day), tag("old", on: "old", pushed: 90 * day)]
        let manifests = [manifest("first", pushed: 90 * day), manifest("second", pushed: 90 * day),
                         manifest("pulled", pushed: 80 * day, pulled: day), manifest("old", pushed: 90 * day, pulled: 31 * day)]
        let rules = RetentionRules(keepLast: 1, keepPushedWithin: span("7d"), keepPulledWithin: span("30d"))
        let reason = "not among the 1 most recently pushed tags (keepLast 1), not pushed within 7d, not pulled within 30d"
        #expect(plan(tags, manifests, rules)
            == expected(tags: [("old", on: "old", reason)], manifests: [("old", "its tags are deleted: old")]))
    }

    @Test func protectBeatsKeepLast() {
        let tags = [tag("v1", on: "v1", pushed: 90 * day), tag("v2", on: "v2", pushed: 80 * day),
                    tag("dev", on: "dev", pushed: 70 * day), tag("latest", on: "latest", pushed: day)]
        let manifests = ["v1", "v2", "dev", "latest"].map { manifest($0, pushed: 90 * day) }
        #expect(plan(tags, manifests, RetentionRules(keepLast: 1, protect: patterns("v*")))
            == expected(tags: [("dev", on: "dev", "not among the 1 most recently pushed tags (keepLast 1)")],
                        manifests: [("dev", "its tags are deleted: dev")]))
    }

    @Test func immutableTagsAreNeverDeletedAndKeepTheirImage() {
        let tags = [tag("release-1", on: "release", pushed: 900 * day), tag("alias", on: "release", pushed: 900 * day),
                    tag("scratch", on: "scratch", pushed: 900 * day), tag("latest", on: "latest", pushed: 0)]
        let manifests = ["release", "scratch", "latest"].map { manifest($0, pushed: 900 * day) }
        let rules = RetentionRules(keepLast: 1, keepPushedWithin: span("1d"), keepPulledWithin: span("1d"), immutable: patterns("release-*"))
        let reason = "not among the 1 most recently pushed tags (keepLast 1), not pushed within 1d, not pulled within 1d"
        #expect(plan(tags, manifests, rules)
            == expected(tags: [("scratch", on: "scratch", reason)], manifests: [("scratch", "its tags are deleted: scratch")]))
    }

    @Test func anImageWithOneKeptTagKeepsAllItsTags() {
        let tags = [tag("old-name", on: "shared", pushed: 10 * day), tag("latest", on: "shared", pushed: 0),
                    tag("mid", on: "other", pushed: 5 * day), tag("mid-alias", on: "other", pushed: 6 * day)]
        let manifests = [manifest("shared", pushed: 10 * day), manifest("other", pushed: 6 * day)]
        let reason = "not among the 1 most recently pushed tags (keepLast 1)"
        #expect(plan(tags, manifests, RetentionRules(keepLast: 1))
            == expected(tags: [("mid", on: "other", reason), ("mid-alias", on: "other", reason)],
                        manifests: [("other", "its tags are deleted: mid, mid-alias")]))
    }

    @Test func withoutKeepRulesNothingIsDeletedNotEvenOldUntaggedManifests() {
        let untagged = manifest("forgotten", pushed: 900 * day)
        #expect(plan(tags, manifests + [untagged], RetentionRules()).isEmpty)
        #expect(plan(tags, manifests + [untagged], RetentionRules(protect: patterns("v*"), immutable: patterns("*"))).isEmpty)
        #expect(RetentionRules(protect: patterns("v*")).isEmpty)
        #expect(!RetentionRules(keepLast: 0).isEmpty)
    }
}
