import Foundation
import Lifecycle
import Testing

/// Which manifests go: untagged ones after the grace, referrers and cosign tags with their image, index children only
/// when no index that stays lists them.
@Suite struct ManifestRuleTests {
    let keepLatest = RetentionRules(keepLast: 1)
    let keepLastReason = "not among the 1 most recently pushed tags (keepLast 1)"

    @Test func untaggedManifestsGoOnlyOnceStrictlyPastTheGrace() {
        let tags = [tag("latest", on: "latest", pushed: 0)]
        let manifests = [manifest("latest", pushed: 0), manifest("under", pushed: defaultGrace - 1),
                         manifest("exactly", pushed: defaultGrace), manifest("over", pushed: defaultGrace + 1)]
        #expect(plan(tags, manifests, keepLatest) == expected(manifests: [("over", "untagged for more than 24h")]))
        #expect(plan(tags, manifests, keepLatest, grace: 2 * day) == [])
        #expect(plan(tags, manifests, keepLatest, grace: 30 * 60)
            == expected(manifests: [("exactly", "untagged for more than 30m"), ("over", "untagged for more than 30m"),
                                    ("under", "untagged for more than 30m")]))
    }

    @Test func referrersAreDeletedWithTheirSubjectEvenWithinTheGrace() {
        let tags = [tag("old", on: "old", pushed: 10 * day), tag("latest", on: "latest", pushed: 0)]
        let manifests = [manifest("old", pushed: 10 * day), manifest("old-sbom", pushed: hour, subject: "old"),
                         manifest("old-sbom-signature", pushed: hour, subject: "old-sbom"),
                         manifest("latest", pushed: 0), manifest("latest-sbom", pushed: 30 * day, subject: "latest")]
        #expect(plan(tags, manifests, keepLatest)
            == expected(tags: [("old", on: "old", keepLastReason)],
                        manifests: [("old", "its tags are deleted: old"),
                                    ("old-sbom", "referrer of \(digest("old")), which is deleted"),
                                    ("old-sbom-signature", "referrer of \(digest("old-sbom")), which is deleted")]))
    }

    @Test func referrersOfAManifestNotStoredFollowTheGrace() {
        let tags = [tag("latest", on: "latest", pushed: 0)]
        let manifests = [manifest("latest", pushed: 0), manifest("orphan-old", pushed: 2 * day, subject: "gone"),
                         manifest("orphan-new", pushed: hour, subject: "gone")]
        #expect(plan(tags, manifests, keepLatest)
            == expected(manifests: [("orphan-old", "referrer of \(digest("gone")), which is not stored, untagged for more than 24h")]))
    }

    /// An image pushed by digest and not yet tagged is within its grace: its signature waits with it.
    @Test func referrersOfAnUntaggedManifestWithinTheGraceStay() {
        let tags = [tag("latest", on: "latest", pushed: 0)]
        let manifests = [manifest("latest", pushed: 0), manifest("by-digest", pushed: hour),
                         manifest("by-digest-signature", pushed: 2 * day, subject: "by-digest")]
        #expect(plan(tags, manifests, keepLatest) == [])
    }

    @Test func cosignTagsGoWithTheirImageAndDoNotCountForKeepLast() {
        // The signature tags are the most recently pushed; if keepLast counted them, "latest" would not be kept.
        let tags = [tag("old", on: "old", pushed: 10 * day), tag("latest", on: "latest", pushed: day),
                    tag(cosignTag(of: "old"), on: "old-signature", pushed: 0), tag(cosignTag(of: "latest"), on: "latest-signature", pushed: 0),
                    tag(cosignTag(of: "latest", "att"), on: "latest-attestation", pushed: 0)]
        let manifests = [manifest("old", pushed: 10 * day), manifest("latest", pushed: day), manifest("old-signature", pushed: 0),
                         manifest("latest-signature", pushed: 0), manifest("latest-attestation", pushed: 0)]
        #expect(plan(tags, manifests, keepLatest)
            == expected(tags: [("old", on: "old", keepLastReason),
                               (cosignTag(of: "old"), on: "old-signature", "cosign tag of \(digest("old")), which is deleted")],
                        manifests: [("old", "its tags are deleted: old"),
                                    ("old-signature", "its tags are deleted: \(cosignTag(of: "old"))")]))
    }

    @Test func cosignTagsOfAnImageNotStoredGoAfterTheGrace() {
        let tags = [tag("latest", on: "latest", pushed: 0), tag(cosignTag(of: "gone", "sbom"), on: "gone-sbom", pushed: 2 * day),
                    tag(cosignTag(of: "coming"), on: "coming-signature", pushed: hour)]
        let manifests = [manifest("latest", pushed: 0), manifest("gone-sbom", pushed: 2 * day), manifest("coming-signature", pushed: 2 * day)]
        #expect(plan(tags, manifests, keepLatest)
            == expected(tags: [(cosignTag(of: "gone", "sbom"), on: "gone-sbom",
                                "cosign tag of \(digest("gone")), which is not stored, pushed more than 24h ago")],
                        manifests: [("gone-sbom", "its tags are deleted: \(cosignTag(of: "gone", "sbom"))")]))
    }

    /// A tag on a referrer belongs to the referrer's subject, like a cosign tag.
    @Test func tagsOfReferrersGoWithTheSubjectAndDoNotCountForKeepLast() {
        let tags = [tag("old", on: "old", pushed: 10 * day), tag("latest", on: "latest", pushed: day),
                    tag("old-sbom", on: "old-sbom", pushed: 0), tag("latest-sbom", on: "latest-sbom", pushed: 0)]
        let manifests = [manifest("old", pushed: 10 * day), manifest("latest", pushed: day),
                         manifest("old-sbom", pushed: 0, subject: "old"), manifest("latest-sbom", pushed: 0, subject: "latest")]
        #expect(plan(tags, manifests, keepLatest)
            == expected(tags: [("old", on: "old", keepLastReason),
                               ("old-sbom", on: "old-sbom", "tag of a referrer of \(digest("old")), which is deleted")],
                        manifests: [("old", "its tags are deleted: old"), ("old-sbom", "referrer of \(digest("old")), which is deleted")]))
    }

    @Test func aKeptIndexKeepsItsChildrenThroughNestedIndexes() {
        let tags = [tag("latest", on: "index", pushed: 0)]
        let manifests = [manifest("index", pushed: 0, children: ["nested", "amd64"]), manifest("nested", pushed: 30 * day, children: ["arm64", "s390x"]),
                         manifest("amd64", pushed: 30 * day), manifest("arm64", pushed: 30 * day), manifest("s390x", pushed: 30 * day),
                         manifest("arm64-sbom", pushed: 30 * day, subject: "arm64")]
        #expect(plan(tags, manifests, keepLatest) == [])
    }

    /// The children of a deleted index follow the untagged grace from their own push; one another index still lists stays.
    @Test func childrenOfADeletedIndexGoOnlyPastTheirOwnGrace() {
        let tags = [tag("latest", on: "index", pushed: 0), tag("old", on: "old-index", pushed: 10 * day)]
        let manifests = [manifest("index", pushed: 0, children: ["shared"]), manifest("old-index", pushed: 10 * day, children: ["shared", "stale", "fresh"]),
                         manifest("shared", pushed: 30 * day), manifest("stale", pushed: 30 * day), manifest("fresh", pushed: hour)]
        #expect(plan(tags, manifests, keepLatest)
            == expected(tags: [("old", on: "old-index", keepLastReason)],
                        manifests: [("old-index", "its tags are deleted: old"), ("stale", "untagged for more than 24h")]))
    }

    /// An index that stays, though no rule keeps it (untagged within the grace), still protects its children, so no
    /// run leaves an index listing a deleted manifest.
    @Test func anUntaggedIndexWithinTheGraceProtectsItsChildren() {
        let tags = [tag("latest", on: "latest", pushed: 0), tag("amd64-build", on: "amd64", pushed: 10 * day)]
        let manifests = [manifest("latest", pushed: 0), manifest("pending-index", pushed: hour, children: ["amd64"]),
                         manifest("amd64", pushed: 10 * day)]
        #expect(plan(tags, manifests, keepLatest) == expected(tags: [("amd64-build", on: "amd64", keepLastReason)]))
    }

    /// Content addressing rules cycles out, but a corrupt store must not make the planner loop or delete on circular
    /// grounds.
    @Test func cyclesDeleteNothing() {
        let tags = [tag("latest", on: "latest", pushed: 0)]
        let manifests = [manifest("latest", pushed: 0), manifest("loop-a", pushed: 30 * day, children: ["loop-b"]),
                         manifest("loop-b", pushed: 30 * day, children: ["loop-a"]),
                         manifest("self-referrer", pushed: 30 * day, subject: "self-referrer")]
        #expect(plan(tags, manifests, keepLatest) == [])
    }
}
