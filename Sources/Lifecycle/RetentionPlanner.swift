import Foundation
import OCI

/// Decides what one retention run deletes in one repository. Pure: the store's contents and the time come in, the
/// deletions go out, so a plan shows exactly what the run will do.
///
/// It works in three steps. The *kept* manifests are those a keep rule, `protect` or `immutable` keeps through a tag,
/// with everything they reach: an index's children, referrers of the manifest, and cosign tags naming it. A tag is
/// deleted exactly when its manifest is not kept, so a tag never goes while another tag of the same manifest stays.
/// Then each manifest that is not kept is deleted or left for a later run (see ``deletedManifests``).
public enum RetentionPlanner {
    /// What the next run deletes in one repository, tags first then manifests, each sorted (tags by name, manifests by
    /// digest). `untaggedGrace` is how long an untagged manifest may stay, measured from its push: time for a
    /// multi-step push to tag it, or for an image pushed by digest to be used.
    public static func deletions(tags: [StoredTag], manifests: [StoredManifest], rules: RetentionRules,
                                 now: Date, untaggedGrace: TimeInterval) -> [RetentionDeletion] {
        guard !rules.isEmpty else { return [] }
        let graph = RepositoryGraph(tags: tags, manifests: manifests)
        let clock = GraceClock(now: now, grace: untaggedGrace)
        let kept = keptManifests(graph, rules: rules, now: now)
        let deleted = deletedManifests(graph, kept: kept, clock: clock)

        var tagDeletions: [(tag: StoredTag, reason: String)] = []
        for (index, stored) in graph.tags.enumerated() where !kept.contains(stored.digest) {
            let reason: String?
            if let subject = graph.followedSubjects[index] {
                reason = followerReason(stored, subject: subject, graph: graph, deleted: deleted, clock: clock)
            } else {
                reason = unkeptReason(rules)
            }
            if let reason { tagDeletions.append((stored, reason)) }
        }
        tagDeletions.sort { ($0.tag.tag, $0.tag.digest) < ($1.tag.tag, $1.tag.digest) }
        let manifestDeletions = deleted.sorted { $0.key < $1.key }.map {
            RetentionDeletion(target: .manifest($0.key), reason: $0.value)
        }
        return tagDeletions.map { RetentionDeletion(target: .tag($0.tag.tag.value, digest: $0.tag.digest), reason: $0.reason) }
            + manifestDeletions
    }

    /// The digests a rule keeps, closed over what a kept manifest keeps in turn.
    static func keptManifests(_ graph: RepositoryGraph, rules: RetentionRules, now: Date) -> Set<Digest> {
        // keepLast ranks only an image's own tags: cosign and referrer tags go with their image instead.
        let ownTags = graph.tags.indices.filter { graph.followedSubjects[$0] == nil }
        var keptByCount = Set<Int>()
        if let keepLast = rules.keepLast {
            let ranked = ownTags.sorted { a, b in
                let (x, y) = (graph.tags[a], graph.tags[b])
                return x.pushedAt != y.pushedAt ? x.pushedAt > y.pushedAt : x.tag < y.tag
            }
            keptByCount = Set(ranked.prefix(max(0, keepLast)))
        }
        func within(_ span: TimeInterval?, _ date: Date?) -> Bool {
            guard let span, let date else { return false }
            return now.timeIntervalSince(date) <= span
        }
        let pushedWithin = rules.keepPushedWithin.map { TimeInterval($0.totalSeconds) }
        let pulledWithin = rules.keepPulledWithin.map { TimeInterval($0.totalSeconds) }

        var kept = Set<Digest>()
        var pending: [Digest] = []
        func keep(_ digest: Digest) {
            if kept.insert(digest).inserted { pending.append(digest) }
        }
        for index in ownTags {
            let stored = graph.tags[index]
            if keptByCount.contains(index) || within(pushedWithin, stored.pushedAt)
                || within(pulledWithin, graph.manifests[stored.digest]?.pulledAt) {
                keep(stored.digest)
            }
        }
        for stored in graph.tags where rules.exempts(stored.tag.value) { keep(stored.digest) }
        while let digest = pending.popLast() {
            graph.manifests[digest]?.children.forEach(keep)
            graph.referrers[digest]?.forEach(keep)
            graph.followerTags[digest]?.forEach { keep(graph.tags[$0].digest) }
        }
        return kept
    }

    /// The manifests this run deletes, with why. A manifest that is not kept is deleted when every index listing it is
    /// deleted too and:
    /// - it is a referrer of a stored manifest that is deleted (a referrer of one that stays, stays with it);
    /// - or it had tags and all of them are deleted, by this run's rules or with the image they belong to;
    /// - or it is untagged (a referrer: of a manifest not stored) and was pushed longer than the grace ago.
    ///
    /// The children of an index deleted this run are not deleted with it: they only go once they are past the grace
    /// themselves, measured from their own push, since another index or a tag may be about to claim them. An index
    /// that is not kept but stays (untagged within the grace) still protects its children and its referrers, so no
    /// run leaves an index listing a deleted manifest.
    ///
    /// Each condition only needs other manifests to be deleted, so this is the least fixed point, found by counting
    /// down each manifest's outstanding dependencies. A cycle, which content addressing rules out but a corrupt store
    /// might hold, never completes and so deletes nothing.
    static func deletedManifests(_ graph: RepositoryGraph, kept: Set<Digest>, clock: GraceClock) -> [Digest: String] {
        var reasons: [Digest: String] = [:]
        var outstanding: [Digest: Int] = [:]
        var dependents: [Digest: [Digest]] = [:]
        var ready: [Digest] = []
        for (digest, manifest) in graph.manifests where !kept.contains(digest) {
            var awaits = Set(graph.parents[digest] ?? [])
            var eligible = true
            let tagIndices = graph.tagsByDigest[digest] ?? []
            for index in tagIndices {
                guard let subject = graph.followedSubjects[index] else { continue }
                if graph.manifests[subject] != nil {
                    awaits.insert(subject)
                } else {
                    eligible = eligible && clock.isPast(graph.tags[index].pushedAt)
                }
            }
            if let subject = manifest.subject, graph.manifests[subject] != nil {
                awaits.insert(subject)
                reasons[digest] = "referrer of \(subject), which is deleted"
            } else if !tagIndices.isEmpty {
                let names = tagIndices.map { graph.tags[$0].tag.value }.sorted().joined(separator: ", ")
                reasons[digest] = "its tags are deleted: \(names)"
            } else {
                eligible = eligible && clock.isPast(manifest.pushedAt)
                reasons[digest] = manifest.subject.map { "referrer of \($0), which is not stored, \(clock.untaggedText)" }
                    ?? clock.untaggedText
            }
            guard eligible else {
                reasons[digest] = nil
                continue
            }
            outstanding[digest] = awaits.count
            for awaited in awaits { dependents[awaited, default: []].append(digest) }
            if awaits.isEmpty { ready.append(digest) }
        }
        var deleted: [Digest: String] = [:]
        while let digest = ready.popLast() {
            deleted[digest] = reasons[digest]
            for dependent in dependents[digest] ?? [] {
                guard let count = outstanding[dependent] else { continue }
                outstanding[dependent] = count - 1
                if count == 1 { ready.append(dependent) }
            }
        }
        return deleted
    }

    /// Why an image's own tag goes: each set rule that did not keep it. Nil only when no rule is set, which
    /// `deletions` rules out first.
    static func unkeptReason(_ rules: RetentionRules) -> String? {
        let parts = [
            rules.keepLast.map { "not among the \($0) most recently pushed tags (keepLast \($0))" },
            rules.keepPushedWithin.map { "not pushed within \($0)" },
            rules.keepPulledWithin.map { "not pulled within \($0)" },
        ].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// Why a cosign or referrer tag goes with its image, or nil when it stays: its image is stored and not deleted, or
    /// is not stored and the tag is still within the grace (its image may be on its way).
    static func followerReason(_ stored: StoredTag, subject: Digest, graph: RepositoryGraph, deleted: [Digest: String],
                               clock: GraceClock) -> String? {
        let kind = CosignTag.subject(of: stored.tag.value) != nil ? "cosign tag" : "tag of a referrer"
        if graph.manifests[subject] != nil {
            return deleted[subject] == nil ? nil : "\(kind) of \(subject), which is deleted"
        }
        return clock.isPast(stored.pushedAt)
            ? "\(kind) of \(subject), which is not stored, pushed more than \(DurationText.of(clock.grace)) ago" : nil
    }
}
