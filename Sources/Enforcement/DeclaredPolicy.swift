import Declarations
import OCI
import Registry
import Synchronization

/// The registry's manifest policy, as the live declarations make it: each repository's effective policy, turned into
/// rules once per configuration and repository, so the registry's question costs a dictionary lookup.
///
/// Today the rules are tag immutability. Signatures, scanning and verdicts plug in here, behind the same two questions.
public final class DeclaredPolicy: ManifestPolicy {
    private struct State {
        var declarations: DesiredState = .empty
        var rules: [RepositoryName: RepositoryRules] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Called with every new live configuration; rules are derived again as repositories are next used.
    public func configurationChanged(to declarations: DesiredState) {
        state.withLock { $0 = State(declarations: declarations) }
    }

    func rules(for repository: RepositoryName) -> RepositoryRules {
        state.withLock { state in
            if let rules = state.rules[repository] { return rules }
            let rules = RepositoryRules(state.declarations.effectivePolicy(for: repository.value))
            state.rules[repository] = rules
            return rules
        }
    }

    public func decide(_ write: ManifestWrite, by caller: RegistryCaller) async -> ManifestWriteDecision {
        let immutability = rules(for: write.repository).immutability
        switch write {
        case .put(_, _, let tags):
            var fixed: [Tag: RegistryError] = [:]
            for tag in tags {
                if let refusal = immutability.refusal(for: tag) { fixed[tag] = refusal }
            }
            return .allow(fixedTags: fixed)
        case .deleteTag(_, let tag):
            return immutability.refusal(for: tag).map(ManifestWriteDecision.refuse) ?? .allow
        case .deleteManifest(_, _, let tags):
            return tags.lazy.compactMap(immutability.refusal).first.map(ManifestWriteDecision.refuse) ?? .allow
        }
    }

    public func decide(_ read: ManifestRead, by caller: RegistryCaller) async -> RegistryError? {
        nil
    }
}

/// What one repository's effective policy enforces on manifests.
struct RepositoryRules: Sendable {
    var immutability: TagImmutability

    init(_ policy: EffectivePolicy?) {
        immutability = TagImmutability(policy)
    }
}
