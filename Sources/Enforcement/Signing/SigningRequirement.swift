import Declarations

/// `signing` as one repository's effective policy declares it: at least `minimum` distinct Signers of `signers`.
struct SigningRequirement: Sendable, Hashable {
    let tier: String
    let signers: [String]
    let minimum: Int

    init?(_ policy: EffectivePolicy?) {
        guard let policy, let signing = policy.signing.value else { return nil }
        tier = policy.tier.name
        signers = signing.requiredSigners
        minimum = signing.minimum
    }

    /// `1 of [release-pipeline, security-team]`.
    var summary: String { "\(minimum) of [\(signers.joined(separator: ", "))]" }
}
