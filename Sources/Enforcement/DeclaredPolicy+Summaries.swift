import Foundation
import OCI

/// A stored verdict in brief, for lists and counts (the console's tag lists and overview): read from the cache, never
/// computed.
public struct VerdictSummary: Sendable, Hashable {
    public var status: Verdict.Status
    /// Withheld because of vulnerabilities at or above its tier's threshold that no exception suppresses.
    public var blockedByVulnerabilities: Bool
    /// Findings no exception suppresses, by severity (`critical` … `low`, and `unknown` for a finding without one).
    public var findingsBySeverity: [String: Int]
}

extension DeclaredPolicy {
    /// Whether `repository`'s tier asks for verdicts at all; where it does not, every manifest is released.
    public func requiresVerdicts(_ repository: RepositoryName) -> Bool {
        rules(for: repository).needsVerdicts
    }

    /// Whether `repository`'s tier requires signatures.
    public func requiresSignatures(_ repository: RepositoryName) -> Bool {
        rules(for: repository).signing != nil
    }

    /// The stored verdicts of `repository`, by digest. A manifest missing here has no stored verdict yet, which pulls
    /// treat as quarantined where the tier gates reads.
    public func verdictSummaries(in repository: RepositoryName) -> [Digest: VerdictSummary] {
        let now = clock()
        let (book, requirement) = state.withLock { state in (state.verdicts[repository], state.rules(for: repository).vulnerabilities) }
        guard let book else { return [:] }
        return book.verdicts.mapValues { verdict in
            let status: Verdict.Status = verdict.status == .released && !verdict.isReleased(at: now) ? .quarantined : verdict.status
            let blocked = status == .quarantined
                && (verdict.readableByAdminsOnly || verdict.vulnerabilities.map { requirement?.blocking($0).isEmpty == false } == true)
            var severities: [String: Int] = [:]
            for finding in verdict.vulnerabilities?.unsuppressed ?? [] { severities[finding.severity?.rawValue ?? "unknown", default: 0] += 1 }
            return VerdictSummary(status: status, blockedByVulnerabilities: blocked, findingsBySeverity: severities)
        }
    }
}
