/// Limits for ``LoginThrottle``.
public struct ThrottlePolicy: Sendable, Hashable {
    /// At most `failures` failed logins per `window` before a key is locked.
    public struct Limit: Sendable, Hashable {
        public var failures: Int
        public var window: Duration

        public init(failures: Int, window: Duration) {
            self.failures = max(1, failures)
            self.window = window
        }
    }

    /// Per user or robot name: stops guessing one account's password.
    public var identity: Limit
    /// Per client address: stops one client spraying passwords over many accounts. Higher,
    /// because many honest users can share one address (NAT, a CI runner pool).
    public var address: Limit
    /// The first lock's length; each further failure while locked, or right after the lock
    /// ends, doubles it up to `maximumBackoff`.
    public var initialBackoff: Duration
    public var maximumBackoff: Duration
    /// Most keys remembered, half for identities and half for addresses; beyond it idle and
    /// then least recently failed keys are forgotten, so a flood of random names or addresses
    /// cannot exhaust memory.
    public var maximumKeys: Int
    /// IPv6 clients are counted per prefix of this many bits: one host usually controls a
    /// whole /64, so counting single addresses would not limit it at all.
    public var ipv6PrefixLength: Int

    public init(
        identity: Limit, address: Limit, initialBackoff: Duration, maximumBackoff: Duration,
        maximumKeys: Int, ipv6PrefixLength: Int = 64
    ) {
        self.identity = identity
        self.address = address
        self.initialBackoff = initialBackoff
        self.maximumBackoff = max(initialBackoff, maximumBackoff)
        self.maximumKeys = max(2, maximumKeys)
        self.ipv6PrefixLength = min(128, max(0, ipv6PrefixLength))
    }

    public static let `default` = ThrottlePolicy(
        identity: Limit(failures: 5, window: .seconds(60)),
        address: Limit(failures: 20, window: .seconds(60)),
        initialBackoff: .seconds(60),
        maximumBackoff: .seconds(15 * 60),
        maximumKeys: 100_000)
}

public enum ThrottleDecision: Sendable, Hashable {
    case allowed
    /// Refuse without checking the password; send `Retry-After: retryAfter` (whole seconds, ≥ 1).
    case throttled(retryAfter: Int)
}
