import Declarations
import Registry

extension Quota {
    /// The effective `quota`, with the refusal a client prints: `quota 50GiB of tier confidential exceeded: 49.8GiB used + 512MiB`.
    init?(_ policy: EffectivePolicy?) {
        guard let policy, let size = policy.quota.value else { return nil }
        let source = policy.quota.origin.source
        self.init(bytes: size.bytes) { used, adding in
            RegistryError(.denied, status: .forbidden,
                          "quota \(size) of \(source) exceeded: \(ByteSize.readable(used)) used + \(ByteSize.readable(adding))")
        }
    }
}
