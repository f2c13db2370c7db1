import Foundation
import Synchronization

/// Counts failed logins per identity and per client address, and locks a key that fails
/// too often, with a backoff that doubles on each further failure.
///
/// The HTTP layer calls ``check(identity:address:now:)`` before verifying a password (a
/// throttled attempt costs no hashing), then ``recordFailure(identity:address:now:)`` or
/// ``recordSuccess(identity:address:now:)``. Time is always passed in.
///
/// State is per process and in memory: a restart forgets it, which is acceptable for a
/// limit that lasts minutes. Every authenticated request passes through here, so the state
/// sits behind a lock rather than an actor: a check is a lookup, not worth a task hop.
/// Among replicas, each tells the others the outcomes it records (`told`) and counts theirs
/// (``heard(_:now:)``), so a lock earned on one replica holds on all of them.
public final class LoginThrottle: Sendable {
    private struct Keys {
        var identities = InsertionOrderedMap<String, Counter>()
        var addresses = InsertionOrderedMap<String, Counter>()
    }

    public let policy: ThrottlePolicy
    private let keys = Mutex(Keys())
    private let told: (@Sendable (LoginOutcome) -> Void)?

    /// `told` hears every outcome recorded here (not those heard from elsewhere), to pass on to other replicas.
    public init(policy: ThrottlePolicy = .default, told: (@Sendable (LoginOutcome) -> Void)? = nil) {
        self.policy = policy
        self.told = told
    }

    /// `.throttled` when either the identity or the address is locked, with the longer wait.
    public func check(identity: String?, address: String, now: Date) -> ThrottleDecision {
        let addressKey = addressKey(address)
        let wait = keys.withLock { keys -> TimeInterval in
            var wait: TimeInterval = 0
            if let identity, let counter = keys.identities[identity] { wait = max(wait, counter.remainingLock(at: now)) }
            if let counter = keys.addresses[addressKey] { wait = max(wait, counter.remainingLock(at: now)) }
            return wait
        }
        guard wait > 0 else { return .allowed }
        return .throttled(retryAfter: max(1, Int(wait.rounded(.up))))
    }

    /// A failed login: counts against the address, and against the identity when the client
    /// named one (a malformed or anonymous attempt has none).
    public func recordFailure(identity: String?, address: String, now: Date) {
        count(.failed(identity: identity, address: address), now: now)
        told?(.failed(identity: identity, address: address))
    }

    /// A successful login clears the identity's failures: the owner got in, so earlier typos
    /// should not count against them. The address keeps its count, or an attacker holding one
    /// valid account could reset their address's count between guesses at others.
    /// Told only when the identity had failures here: every authenticated request is a login, and telling each one to
    /// the other replicas would cost a database round trip per request for nothing (failures reach every replica, so
    /// none has a count where this one has none).
    public func recordSuccess(identity: String, address: String, now: Date) {
        if count(.succeeded(identity: identity), now: now) { told?(.succeeded(identity: identity)) }
    }

    /// A login another replica recorded: counted as if it happened here, at `now`, and not told again.
    public func heard(_ outcome: LoginOutcome, now: Date) {
        count(outcome, now: now)
    }

    /// Whether the outcome changed what is counted: a success changes nothing for an identity without failures.
    @discardableResult
    private func count(_ outcome: LoginOutcome, now: Date) -> Bool {
        let policy = self.policy
        switch outcome {
        case .failed(let identity, let address):
            let addressKey = addressKey(address)
            keys.withLock { keys in
                if let identity {
                    Self.fail(&keys.identities, key: identity, limit: policy.identity, policy: policy, now: now)
                }
                Self.fail(&keys.addresses, key: addressKey, limit: policy.address, policy: policy, now: now)
            }
            return true
        case .succeeded(let identity):
            return keys.withLock { $0.identities.removeValue(forKey: identity) } != nil
        }
    }

    /// Keys currently remembered (identities plus addresses), for tests and metrics.
    public var trackedKeys: Int { keys.withLock { $0.identities.count + $0.addresses.count } }

    private static func fail(
        _ map: inout InsertionOrderedMap<String, Counter>, key: String, limit: ThrottlePolicy.Limit,
        policy: ThrottlePolicy, now: Date
    ) {
        var counter = map[key] ?? Counter(windowStart: now)
        counter.recordFailure(at: now, limit: limit, policy: policy)
        map.set(counter, for: key)
        // Identities and addresses get half the budget each, so a flood of one kind (random
        // names, or many addresses) cannot evict the other kind's locks.
        let capacity = policy.maximumKeys / 2
        if map.count > capacity {
            shrink(&map, to: capacity, policy: policy, now: now)
        }
    }

    /// First forgets keys that no longer matter (unlocked, quiet for a window), then the
    /// least recently failed ones; shrinks to 90% so the scan is paid once per many inserts.
    private static func shrink(
        _ map: inout InsertionOrderedMap<String, Counter>, to capacity: Int, policy: ThrottlePolicy, now: Date
    ) {
        let longestWindow = max(policy.identity.window, policy.address.window).timeInterval
        map.removeAll { $0.isForgettable(at: now, window: longestWindow) }
        let target = max(1, capacity - capacity / 10)
        while map.count > target, map.popOldest() != nil {}
    }

    /// The key an address is counted under: IPv4 (also IPv4-mapped IPv6) as is, IPv6 by prefix.
    private func addressKey(_ address: String) -> String {
        AddressKey.normalized(address, ipv6PrefixLength: policy.ipv6PrefixLength)
    }
}

/// Failure count of one key in a fixed window, plus its lock.
struct Counter: Sendable {
    var windowStart: Date
    var failures = 0
    /// How many times the key has been locked in a row; the backoff doubles with each.
    var lockouts = 0
    var lockedUntil: Date?
    var lastFailure: Date?

    init(windowStart: Date) {
        self.windowStart = windowStart
    }

    func remainingLock(at now: Date) -> TimeInterval {
        guard let lockedUntil else { return 0 }
        return max(0, lockedUntil.timeIntervalSince(now))
    }

    mutating func recordFailure(at now: Date, limit: ThrottlePolicy.Limit, policy: ThrottlePolicy) {
        let window = limit.window.timeInterval
        defer { lastFailure = now }
        if let until = lockedUntil {
            if now < until || now.timeIntervalSince(until) < window {
                // Failing while locked, or again soon after the lock ended: lock longer.
                lock(at: now, policy: policy)
                return
            }
            // Quiet for a whole window after the lock: start over.
            self = Counter(windowStart: now)
        }
        if now.timeIntervalSince(windowStart) >= window {
            windowStart = now
            failures = 0
        }
        failures += 1
        if failures >= limit.failures { lock(at: now, policy: policy) }
    }

    private mutating func lock(at now: Date, policy: ThrottlePolicy) {
        lockouts += 1
        let initial = policy.initialBackoff.timeInterval
        // 2^(lockouts-1) would overflow long before it matters; the cap applies from ~2^10 on.
        let factor = pow(2.0, Double(min(lockouts - 1, 30)))
        let backoff = min(initial * factor, policy.maximumBackoff.timeInterval)
        lockedUntil = now.addingTimeInterval(backoff)
    }

    /// Nothing would change if this key were forgotten now: not locked, no lock recent enough
    /// to double, and no failures left in the current window.
    func isForgettable(at now: Date, window: TimeInterval) -> Bool {
        if let lockedUntil, now.timeIntervalSince(lockedUntil) < window { return false }
        guard let lastFailure else { return true }
        return now.timeIntervalSince(lastFailure) >= window && now.timeIntervalSince(windowStart) >= window
    }
}
