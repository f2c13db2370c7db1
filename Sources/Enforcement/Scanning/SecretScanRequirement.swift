import ContentAnalysis
import Declarations
import Foundation
import OCI

/// `scanning.secrets.onPush` as one repository's effective policy sets it, with the SecretExceptions that cover the
/// repository: the one judgement of a scan, used by the registry at push and by `berth scan` before it. Nil when
/// secrets are not scanned there.
public struct SecretScanRequirement: Sendable, Hashable {
    public let tier: String
    public let action: ScanAction
    let exceptions: [SecretException]

    public init?(_ policy: EffectivePolicy?, repository: String, declarations: DesiredState) {
        guard let policy, policy.secretsOnPush.value != .off else { return nil }
        tier = policy.tier.name
        action = policy.secretsOnPush.value
        exceptions = declarations.secretExceptions.filter { exception in
            exception.repositories.contains { $0.matches(repository) }
        }
    }

    /// A tier's setting with no repository, so no exceptions. Nil for `off`.
    public init?(tier: String, action: ScanAction) {
        guard action != .off else { return nil }
        self.tier = tier
        self.action = action
        exceptions = []
    }

    public var blocks: Bool { action == .block }


    /// The scan verdict of an image with `layers`, from the reports known now.
    public func evaluate(_ layers: [Descriptor], reports: [Digest: ScannedLayer], now: Date) -> ScanVerdict {
        var verdict = ScanVerdict(status: .scanned, reason: nil, findings: [], omittedFindings: 0, layers: [])
        var unscannable: [String] = []
        var pending = false
        for (index, layer) in layers.enumerated() {
            let scanned = reports[layer.digest]
            verdict.layers.append(ScanVerdict.Layer(digest: layer.digest, mediaType: layer.mediaType, size: layer.size, scannedAt: scanned?.scannedAt,
                                                    outcome: scanned?.report.outcome))
            guard let scanned else {
                pending = true
                continue
            }
            verdict.omittedFindings += scanned.report.omittedFindings
            if case .unscannable(let reason) = scanned.report.outcome { unscannable.append("layer \(index + 1) (\(layer.digest)): \(reason)") }
            for finding in scanned.report.findings {
                let exception = exceptions.first { $0.covers(rule: finding.rule, path: finding.path, on: now) }
                verdict.findings.append(ScanVerdict.Finding(layerIndex: index, layer: layer.digest, finding: finding, exception: exception?.name))
            }
        }
        if !unscannable.isEmpty {
            verdict.status = .unscannable
            verdict.reason = unscannable.joined(separator: "; ")
        } else if pending {
            verdict.status = .pending
        }
        return verdict
    }

    /// Under `block`, when the exceptions that accept the scan's findings stop covering them: the end of the earliest
    /// `expires` day among them. Nil when no finding rests on an exception.
    func acceptedUntil(_ scan: ScanVerdict) -> Date? {
        guard blocks else { return nil }
        let used = Set(scan.findings.compactMap(\.exception))
        return exceptions.filter { used.contains($0.name) }.map { SecretException.lapse(of: $0.expires) }.min()
    }

    /// What the scan found, in a sentence, when it does not withhold the image.
    func summary(_ scan: ScanVerdict) -> String {
        switch scan.status {
        case .pending: return "its layers are still being scanned for secrets (tier \(tier) only warns)"
        case .unscannable: return "its content could not be scanned for secrets (tier \(tier) only warns): \(scan.reason ?? "unknown")"
        case .scanned:
            let found = scan.unexcepted.count + scan.omittedFindings, accepted = scan.findings.count - scan.unexcepted.count
            var parts: [String] = []
            if found > 0 { parts.append("\(found) secret\(found == 1 ? "" : "s") found (tier \(tier) only warns)") }
            if accepted > 0 { parts.append("\(accepted) secret\(accepted == 1 ? "" : "s") accepted by SecretExceptions") }
            return parts.isEmpty ? "scanned for secrets: none found" : "scanned for secrets: " + parts.joined(separator: ", ")
        }
    }

    /// Why the scan withholds the image under `block`, or nil when it does not.
    public func withholding(_ scan: ScanVerdict) -> String? {
        guard blocks else { return nil }
        switch scan.status {
        case .pending: return "its layers are still being scanned for secrets (tier \(tier) blocks until they are)"
        case .unscannable: return "its content could not be scanned for secrets (tier \(tier) blocks what it cannot scan): \(scan.reason ?? "unknown")"
        case .scanned:
            let found = scan.unexcepted
            guard !found.isEmpty || scan.omittedFindings > 0 else { return nil }
            return "secrets found (tier \(tier) blocks them): " + ScanVerdict.Finding.listed(found, omitted: scan.omittedFindings)
        }
    }
}
