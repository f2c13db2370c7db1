import Console
import Declarations

/// A tier's effective policy as sentences for the overview: what each declared field, or its default, makes Berth do.
enum TierWords {
    static func sentences(_ tier: Tier) -> [String] {
        typealias Defaults = EffectivePolicy.Defaults
        var out: [String] = []
        let secrets = tier.scanning.secrets.onPush ?? Defaults.secretsOnPush
        out.append("secrets: " + action(secrets, "at push"))
        let vulnerabilities = tier.scanning.vulnerabilities
        let onPush = vulnerabilities.onPush ?? Defaults.vulnerabilityOnPush
        let onPull = vulnerabilities.onPull ?? Defaults.vulnerabilityOnPull
        let threshold = vulnerabilities.threshold ?? Defaults.vulnerabilityThreshold
        if onPush == .off, onPull == .off {
            out.append("vulnerabilities: not checked")
        } else {
            var parts: [String] = []
            for (name, value) in [("push", onPush), ("pull", onPull)] where value != .off { parts.append("\(value.rawValue) at \(name)") }
            var sentence = "vulnerabilities: " + parts.joined(separator: ", ") + " from \(threshold.rawValue)"
            if let every = vulnerabilities.rescanEvery { sentence += ", rechecked every \(every)" }
            out.append(sentence)
        }
        if let signing = tier.signing {
            out.append("signatures: \(signing.minimum) of \(signing.requiredSigners.joined(separator: ", ")) required before anyone else may pull")
        } else {
            out.append("signatures: not required")
        }
        var keep: [String] = []
        if let last = tier.retention.keepLast { keep.append("the last \(last) tags") }
        if let pulled = tier.retention.keepPulledWithin { keep.append("what was pulled within \(pulled)") }
        if let pushed = tier.retention.keepPushedWithin { keep.append("what was pushed within \(pushed)") }
        if let protect = tier.retention.protect, !protect.isEmpty { keep.append("tags matching \(protect.map(\.text).joined(separator: ", "))") }
        out.append(keep.isEmpty ? "retention: keeps everything" : "retention: keeps " + keep.joined(separator: ", ") + "; deletes the rest")
        if let immutable = tier.immutableTags, !immutable.isEmpty { out.append("immutable tags: \(immutable.map(\.text).joined(separator: ", "))") }
        if let quota = tier.quota { out.append("quota: \(quota)") }
        out.append((tier.anonymousPull ?? Defaults.anonymousPull) ? "anonymous pull: allowed" : "anonymous pull: not allowed")
        return out
    }

    private static func action(_ action: ScanAction, _ when: String) -> String {
        switch action {
        case .block: "block \(when)"
        case .warn: "warn \(when)"
        case .off: "not scanned"
        }
    }
}
