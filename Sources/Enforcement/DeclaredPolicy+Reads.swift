import Foundation
import OCI
import Registry

extension DeclaredPolicy {
    /// Serves a manifest that is released, exempt (a signature), or covered by a released index it was pulled through
    /// by digest. Anything else is quarantined: served only to the repository's producers (recorded), refused to
    /// everyone else with what is missing. Never verifies anything: it reads the answer stored with the verdict.
    public func decide(_ read: ManifestRead, by caller: RegistryCaller) async -> RegistryError? {
        let served = state.withLock { state in
            let rules = state.rules(for: read.repository)
            guard rules.needsVerdicts else { return true }
            switch state.answers[ManifestKey(repository: read.repository, digest: read.digest)] {
            case .serve?: return true
            case .serveWarned?:
                metrics.warnedPulls.increment()
                return true
            case .serveUntil(let until)?: return clock() < until
            case .serveByDigest?: return read.tag == nil
            case .withhold?, nil: return !rules.gatesReads
            }
        }
        if served { return nil }
        guard let (withheld, adminsOnly) = withholding(read) else { return nil }
        let reason = "\(read.repository)@\(read.digest) is not released: \(withheld)"
        if adminsOnly ? caller.mayAdminister(read.repository) : caller.mayPush(read.repository) {
            await events.quarantinedRead(read, by: caller, served: true, reason: reason)
            return nil
        }
        if adminsOnly { metrics.blockedPulls.increment() }
        metrics.refusedReads.increment()
        await events.quarantinedRead(read, by: caller, served: false, reason: reason)
        return RegistryError(.denied, status: .forbidden, reason)
    }

    /// Why a manifest the fast path did not serve is withheld, and whether only the repository's admins may still read
    /// it (a tier blocks its vulnerabilities at pull); nil when a released index covers it (pulled by digest) or its
    /// verdict changed since.
    private func withholding(_ read: ManifestRead) -> (reason: String, adminsOnly: Bool)? {
        let now = clock()
        return state.withLock { state in
            let rules = state.rules(for: read.repository)
            guard rules.gatesReads else { return nil }
            let book = state.verdicts[read.repository]
            guard let verdict = book?[read.digest] else {
                var unchecked: [String] = []
                if let signing = rules.signing { unchecked.append("its signatures have not been checked yet (needs signatures by \(signing.summary))") }
                if rules.secrets?.blocks == true { unchecked.append("its layers have not been scanned for secrets yet") }
                if rules.vulnerabilities?.gatesReads == true { unchecked.append("its packages have not been checked for vulnerabilities yet") }
                return (unchecked.joined(separator: "; "), false)
            }
            if verdict.status == .exempt || verdict.isReleased(at: now) { return nil }
            if read.tag == nil, book?.releasingParent(of: read.digest, at: now) != nil { return nil }
            if verdict.status == .released, let until = verdict.releasedUntil {
                var needs: [String] = []
                if let signing = rules.signing { needs.append("signatures by \(signing.summary)") }
                if let scan = verdict.scan, scan.findings.contains(where: { $0.exception != nil }) {
                    needs.append("SecretExceptions for \(scan.findings.filter { $0.exception != nil }.map(\.summary).joined(separator: "; "))")
                }
                let lapsed = verdict.vulnerabilities?.findings.filter { ($0.suppressedBy?.lapsesAt).map { $0 <= now } == true } ?? []
                if let requirement = rules.vulnerabilities, !lapsed.isEmpty {
                    let exceptions = Set(lapsed.compactMap { $0.suppressedBy.map { "\($0.exception) (expired \($0.expires))" } }).sorted()
                    needs.append("the VulnerabilityExceptions \(exceptions.joined(separator: ", ")), which no longer suppress "
                                 + VulnerabilityFinding.listed(lapsed.filter(requirement.reaches)))
                    return ("its release expired at \(until.formatted(.iso8601)) (needs \(needs.joined(separator: " and ")))", requirement.blocksPulls)
                }
                return ("its release expired at \(until.formatted(.iso8601)) (needs \(needs.joined(separator: " and ")))", false)
            }
            return (verdict.reasons.joined(separator: "; "), verdict.readableByAdminsOnly)
        }
    }
}
