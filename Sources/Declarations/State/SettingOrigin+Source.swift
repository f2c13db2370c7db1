extension SettingOrigin {
    /// Where a setting was declared, as a reader of a refusal looks for it: `tier internal`, `repository payments/*`.
    public var source: String {
        switch self {
        case .tier(let tier, _): "tier \(tier.name)"
        case .repository(let repository, _): "repository \(repository.name)"
        case .defaultValue: "default"
        }
    }
}
