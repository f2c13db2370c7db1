import Foundation
import OCI

/// The verdicts of one repository's manifests, and which indexes list each manifest (an index's release covers its
/// children when they are pulled by digest).
struct RepositoryVerdicts: Sendable {
    private(set) var verdicts: [Digest: Verdict] = [:]
    private(set) var parents: [Digest: Set<Digest>] = [:]

    subscript(digest: Digest) -> Verdict? { verdicts[digest] }

    mutating func store(_ verdict: Verdict) {
        remove(verdict.digest)
        verdicts[verdict.digest] = verdict
        for child in verdict.children { parents[child, default: []].insert(verdict.digest) }
    }

    mutating func remove(_ digest: Digest) {
        guard let old = verdicts.removeValue(forKey: digest) else { return }
        for child in old.children {
            parents[child]?.remove(digest)
            if parents[child]?.isEmpty == true { parents[child] = nil }
        }
    }

    /// A released index in this repository that lists `digest`, if any.
    func releasingParent(of digest: Digest, at now: Date) -> Digest? {
        parents[digest]?.sorted { $0.description < $1.description }.first { verdicts[$0]?.isReleased(at: now) == true }
    }

    /// Quarantined now: no verdict yet counts as quarantined only when asked about a stored manifest, so this counts
    /// the verdicts that say so and that no released index covers.
    func quarantinedCount(at now: Date) -> Int {
        verdicts.values.filter { $0.status != .exempt && !$0.isReleased(at: now) && releasingParent(of: $0.digest, at: now) == nil }.count
    }
}
