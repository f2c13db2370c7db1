import Foundation

extension Verdict {
    /// Weighs `vulnerabilities` under `requirement` on top of what signatures and secrets decided: withheld where the
    /// tier blocks what was found, otherwise a sentence of what was found, and a release that lasts until the first
    /// exception it rests on lapses. Called again with new findings on every rescan.
    mutating func weigh(_ vulnerabilities: VulnerabilityVerdict, under requirement: VulnerabilityRequirement) {
        let base = beforeVulnerabilities ?? Settled(status: status, reasons: reasons, releasedUntil: releasedUntil)
        beforeVulnerabilities = base
        status = base.status
        reasons = base.reasons
        releasedUntil = base.releasedUntil
        self.vulnerabilities = vulnerabilities
        readableByAdminsOnly = false
        warnsAtPull = false
        guard status != .exempt else { return }
        if let withheld = requirement.withholding(vulnerabilities) {
            if status == .released { reasons = [] }
            status = .quarantined
            releasedUntil = nil
            reasons.append(withheld)
            readableByAdminsOnly = requirement.blocksPulls && vulnerabilities.status != .pending
        } else {
            reasons.append(requirement.summary(vulnerabilities))
            warnsAtPull = requirement.onPull == .warn && !requirement.blocking(vulnerabilities).isEmpty
            if let lapse = requirement.acceptedUntil(vulnerabilities) {
                releasedUntil = min(releasedUntil ?? lapse, lapse)
            }
        }
    }

}
