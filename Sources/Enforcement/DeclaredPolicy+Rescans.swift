import Foundation
import OCI

/// What one vulnerability rescan did.
public struct RescanSummary: Sendable, Hashable {
    public var images: Int
    /// Images newly withheld for their vulnerabilities, and images newly released.
    public var blocked: Int
    public var released: Int
    public var duration: Duration
}

extension DeclaredPolicy {
    /// Re-matches the stored inventories of every image in a repository that checks vulnerabilities (only those of
    /// `tiers`, when given) against the current database and exceptions, without reading a layer or verifying a
    /// signature again. A verdict that flips between withheld and released is reported with the advisories that caused it.
    /// Images whose layers are still being scanned are left to their scan.
    public func rescanVulnerabilities(reason: String, tiers: Set<String>? = nil) async -> RescanSummary {
        guard let matching else { return RescanSummary(images: 0, blocked: 0, released: 0, duration: .zero) }
        return await updates.run {
            // The rescan's own work: not the wait behind updates queued before it.
            let started = ContinuousClock.now
            let now = clock()
            let books = state.withLock { state in
                state.verdicts.compactMap { repository, book -> (RepositoryName, VulnerabilityRequirement, [Verdict])? in
                    guard let requirement = state.rules(for: repository).vulnerabilities,
                          tiers.map({ $0.contains(requirement.tier) }) ?? true else { return nil }
                    return (repository, requirement, Array(book.verdicts.values))
                }
            }
            var summary = RescanSummary(images: 0, blocked: 0, released: 0, duration: .zero)
            var changed: [Verdict] = []
            var flips: [(Verdict, blocked: Bool, ids: [String])] = []
            for (_, requirement, verdicts) in books {
                for verdict in verdicts {
                    guard let inventory = verdict.inventory, let before = verdict.vulnerabilities else { continue }
                    summary.images += 1
                    let after = matching.verdict(of: inventory, under: requirement, at: now)
                    guard after != before else { continue }
                    var updated = verdict
                    updated.weigh(after, under: requirement)
                    changed.append(updated)
                    guard let flip = requirement.flip(from: before, to: after) else { continue }
                    flips.append((updated, flip.blocked, flip.ids))
                    if flip.blocked { summary.blocked += 1 } else { summary.released += 1 }
                }
            }
            let previous = state.withLock { state in
                changed.map { verdict in
                    defer { state.store(verdict) }
                    return state.verdicts[verdict.repository]?[verdict.digest]?.status
                }
            }
            for (verdict, status) in zip(changed, previous) { await reportStatusChange(verdict, previous: status, cause: reason) }
            for (verdict, blocked, ids) in flips {
                await events.vulnerabilityVerdictChanged(repository: verdict.repository, digest: verdict.digest, blocked: blocked, ids: ids, cause: reason)
            }
            metrics.recount(state.withLock { $0.verdicts }, now: now)
            summary.duration = ContinuousClock.now - started
            metrics.recordRescan(summary)
            lastRescanSummary.withLock { $0 = summary }
            return summary
        }
    }

    /// What the latest rescan did (an import's, a tier's, a lapse's); nil before the first.
    public var lastRescan: RescanSummary? { lastRescanSummary.withLock { $0 } }

    /// The next moment a VulnerabilityException that keeps a stored image released lapses: a rescan then reports the
    /// images it blocks (reads already check the time on their own).
    public var nextExceptionLapse: Date? {
        state.withLock { state in
            state.verdicts.values.lazy.flatMap { $0.verdicts.values }
                .flatMap { $0.vulnerabilities?.findings.compactMap(\.suppressedBy?.lapsesAt) ?? [] }
                .min()
        }
    }

    /// The tiers whose repositories check vulnerabilities, with their `rescanEvery`.
    public var rescanIntervals: [String: Duration] {
        state.withLock { state in
            var intervals: [String: Duration] = [:]
            for repository in state.verdicts.keys {
                guard let requirement = state.rules(for: repository).vulnerabilities, let every = requirement.rescanEvery else { continue }
                intervals[requirement.tier] = .seconds(every.totalSeconds)
            }
            return intervals
        }
    }

    /// Verdicts a new configuration (a threshold, an exception) flipped, reported as a rescan's are.
    func reportVulnerabilityFlips(in verdicts: [RepositoryName: RepositoryVerdicts], comparedTo previous: [RepositoryName: RepositoryVerdicts],
                                  cause: String) async {
        for (repository, book) in verdicts {
            guard let requirement = rules(for: repository).vulnerabilities else { continue }
            for verdict in book.verdicts.values {
                guard let after = verdict.vulnerabilities,
                      let flip = requirement.flip(from: previous[repository]?[verdict.digest]?.vulnerabilities, to: after) else { continue }
                await events.vulnerabilityVerdictChanged(repository: repository, digest: verdict.digest, blocked: flip.blocked, ids: flip.ids, cause: cause)
            }
        }
    }
}
