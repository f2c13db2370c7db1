import Foundation
import OCI
import Registry

extension DeclaredPolicy {
    /// Serves a manifest that is released, exempt (a signature), or covered by a released index it was pulled through
    /// by digest. Anything else is quarantined: served only to the repository's producers (recorded), refused to
    /// everyone else with what is missing. Never verifies anything: it reads the verdict computed when things changed.
    public func decide(_ read: ManifestRead, by caller: RegistryCaller) async -> RegistryError? {
        let now = clock()
        let withheld: String? = state.withLock { state in
            guard let requirement = state.rules(for: read.repository).signing else { return nil }
            let book = state.verdicts[read.repository]
            guard let verdict = book?[read.digest] else {
                return "its signatures have not been checked yet (needs signatures by \(requirement.summary))"
            }
            if verdict.status == .exempt || verdict.isReleased(at: now) { return nil }
            if read.tag == nil, book?.releasingParent(of: read.digest, at: now) != nil { return nil }
            if verdict.status == .released, let until = verdict.releasedUntil {
                return "its release expired at \(until.formatted(.iso8601)) (needs signatures by \(requirement.summary))"
            }
            return verdict.reasons.joined(separator: "; ")
        }
        guard let withheld else { return nil }
        let reason = "\(read.repository)@\(read.digest) is not released: \(withheld)"
        if caller.mayPush(read.repository) {
            await events.quarantinedRead(read, by: caller, served: true, reason: reason)
            return nil
        }
        metrics.refusedReads.increment()
        await events.quarantinedRead(read, by: caller, served: false, reason: reason)
        return RegistryError(.denied, status: .forbidden, reason)
    }
}
