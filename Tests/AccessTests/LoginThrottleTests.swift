import Foundation
import Synchronization
import Testing
@testable import Access

@Suite struct LoginThrottleTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    @Test func allowedBelowTheLimitThrottledAtIt() async {
        let throttle = LoginThrottle()
        for second in 0..<4 {
            await throttle.recordFailure(identity: "alice", address: "10.0.0.1", now: at(Double(second)))
        }
        #expect(await throttle.check(identity: "alice", address: "10.0.0.1", now: at(4)) == .allowed)
        await throttle.recordFailure(identity: "alice", address: "10.0.0.1", now: at(4))
        #expect(await throttle.check(identity: "alice", address: "10.0.0.1", now: at(4)) == .throttled(retryAfter: 60))
        #expect(await throttle.check(identity: "alice", address: "10.0.0.1", now: at(33.5)) == .throttled(retryAfter: 31))
        // The identity is locked from anywhere; other identities from the same address are not.
        #expect(await throttle.check(identity: "alice", address: "10.9.9.9", now: at(5)) == .throttled(retryAfter: 59))
        #expect(await throttle.check(identity: "bob", address: "10.0.0.1", now: at(5)) == .allowed)
        #expect(await throttle.check(identity: nil, address: "10.0.0.1", now: at(5)) == .allowed)
    }

    @Test func failuresInAnEarlierWindowDoNotCount() async {
        let throttle = LoginThrottle()
        for second in 0..<4 { await throttle.recordFailure(identity: "alice", address: "a", now: at(Double(second))) }
        for second in 61..<65 { await throttle.recordFailure(identity: "alice", address: "a", now: at(Double(second))) }
        #expect(await throttle.check(identity: "alice", address: "a", now: at(65)) == .allowed)
    }

    @Test func backoffDoublesUpToTheMaximum() async {
        let throttle = LoginThrottle()
        for second in 0..<5 { await throttle.recordFailure(identity: "alice", address: "a", now: at(Double(second))) }
        #expect(await throttle.check(identity: "alice", address: "a", now: at(4)) == .throttled(retryAfter: 60))
        var expected = [120, 240, 480, 900, 900]
        var now = 10.0
        while !expected.isEmpty {
            // Failing while locked (a client ignoring Retry-After) locks longer.
            await throttle.recordFailure(identity: "alice", address: "a", now: at(now))
            #expect(await throttle.check(identity: "alice", address: "a", now: at(now)) == .throttled(retryAfter: expected.removeFirst()))
            now += 1
        }
    }

    @Test func failingRightAfterTheLockEndsLocksLonger() async {
        let throttle = LoginThrottle()
        for _ in 0..<5 { await throttle.recordFailure(identity: "alice", address: "a", now: at(0)) }
        // Lock ends at 60: allowed again, one try.
        #expect(await throttle.check(identity: "alice", address: "a", now: at(60)) == .allowed)
        await throttle.recordFailure(identity: "alice", address: "a", now: at(61))
        #expect(await throttle.check(identity: "alice", address: "a", now: at(61)) == .throttled(retryAfter: 120))
    }

    @Test func recoveryAfterAQuietWindow() async {
        let throttle = LoginThrottle()
        for _ in 0..<5 { await throttle.recordFailure(identity: "alice", address: "a", now: at(0)) }
        #expect(await throttle.check(identity: "alice", address: "a", now: at(59)) != .allowed)
        #expect(await throttle.check(identity: "alice", address: "a", now: at(60)) == .allowed)
        // Quiet for a whole window after the lock: the next failure starts from one.
        await throttle.recordFailure(identity: "alice", address: "a", now: at(121))
        #expect(await throttle.check(identity: "alice", address: "a", now: at(121)) == .allowed)
        for _ in 0..<3 { await throttle.recordFailure(identity: "alice", address: "a", now: at(122)) }
        #expect(await throttle.check(identity: "alice", address: "a", now: at(122)) == .allowed)
        await throttle.recordFailure(identity: "alice", address: "a", now: at(123))
        // Fifth failure of the new window: the backoff is back at its start.
        #expect(await throttle.check(identity: "alice", address: "a", now: at(123)) == .throttled(retryAfter: 60))
    }

    @Test func successResetsTheIdentityButNotTheAddress() async {
        let policy = ThrottlePolicy(
            identity: .init(failures: 5, window: .seconds(60)), address: .init(failures: 6, window: .seconds(60)),
            initialBackoff: .seconds(60), maximumBackoff: .seconds(900), maximumKeys: 1000)
        let throttle = LoginThrottle(policy: policy)
        for _ in 0..<4 { await throttle.recordFailure(identity: "alice", address: "10.0.0.1", now: at(0)) }
        await throttle.recordSuccess(identity: "alice", address: "10.0.0.1", now: at(1))
        // Alice's count restarted: four more failures do not lock her...
        for _ in 0..<1 { await throttle.recordFailure(identity: "alice", address: "10.0.0.2", now: at(2)) }
        #expect(await throttle.check(identity: "alice", address: "10.0.0.2", now: at(2)) == .allowed)
        // ...but the first address kept its four, and two more lock it.
        for _ in 0..<2 { await throttle.recordFailure(identity: "carol", address: "10.0.0.1", now: at(3)) }
        #expect(await throttle.check(identity: "dave", address: "10.0.0.1", now: at(3)) == .throttled(retryAfter: 60))
        #expect(await throttle.check(identity: "alice", address: "10.0.0.2", now: at(3)) == .allowed)
    }

    @Test func addressLimitAcrossManyIdentities() async {
        let throttle = LoginThrottle()
        for index in 0..<19 {
            await throttle.recordFailure(identity: "user\(index)", address: "192.0.2.7", now: at(Double(index)))
        }
        #expect(await throttle.check(identity: "new-user", address: "192.0.2.7", now: at(19)) == .allowed)
        await throttle.recordFailure(identity: "user19", address: "192.0.2.7", now: at(19))
        #expect(await throttle.check(identity: "new-user", address: "192.0.2.7", now: at(19)) == .throttled(retryAfter: 60))
        #expect(await throttle.check(identity: nil, address: "192.0.2.7", now: at(19)) == .throttled(retryAfter: 60))
        #expect(await throttle.check(identity: "new-user", address: "192.0.2.8", now: at(19)) == .allowed)
    }

    @Test func anonymousFailuresCountAgainstTheAddressOnly() async {
        let throttle = LoginThrottle()
        for _ in 0..<20 { await throttle.recordFailure(identity: nil, address: "198.51.100.1", now: at(0)) }
        #expect(await throttle.check(identity: nil, address: "198.51.100.1", now: at(0)) == .throttled(retryAfter: 60))
        #expect(await throttle.trackedKeys == 1)
    }

    @Test func ipv6IsCountedPerPrefix() async {
        let throttle = LoginThrottle()
        for index in 1...20 {
            await throttle.recordFailure(identity: nil, address: "2001:db8:1:2::\(String(index, radix: 16))", now: at(0))
        }
        #expect(await throttle.check(identity: nil, address: "2001:db8:1:2:ffff::1", now: at(0)) == .throttled(retryAfter: 60))
        #expect(await throttle.check(identity: nil, address: "2001:db8:1:3::1", now: at(0)) == .allowed)
        #expect(AddressKey.normalized("2001:db8:1:2:3:4:5:6", ipv6PrefixLength: 64) == "2001:db8:1:2::/64")
        #expect(AddressKey.normalized("::ffff:192.0.2.1", ipv6PrefixLength: 64) == "192.0.2.1")
        #expect(AddressKey.normalized("192.0.2.1", ipv6PrefixLength: 64) == "192.0.2.1")
        #expect(AddressKey.normalized("not an address", ipv6PrefixLength: 64) == "not an address")
    }

    @Test func memoryIsBounded() async {
        let policy = ThrottlePolicy(
            identity: .init(failures: 5, window: .seconds(60)), address: .init(failures: 20, window: .seconds(60)),
            initialBackoff: .seconds(60), maximumBackoff: .seconds(900), maximumKeys: 100)
        let throttle = LoginThrottle(policy: policy)
        for index in 0..<5_000 {
            await throttle.recordFailure(identity: "user\(index)", address: "10.\(index / 256 % 256).\(index % 256).1", now: at(Double(index) / 100))
            let tracked = await throttle.trackedKeys
            if tracked > 100 {
                Issue.record("tracking \(tracked) keys after \(index + 1) failures")
                break
            }
        }
        // The newest key is still tracked.
        for _ in 0..<4 { await throttle.recordFailure(identity: "user4999", address: "x", now: at(50)) }
        #expect(await throttle.check(identity: "user4999", address: "y", now: at(50)) == .throttled(retryAfter: 60))
    }

    @Test func expiredKeysAreForgottenBeforeActiveOnes() async {
        let policy = ThrottlePolicy(
            identity: .init(failures: 5, window: .seconds(60)), address: .init(failures: 20, window: .seconds(60)),
            initialBackoff: .seconds(60), maximumBackoff: .seconds(900), maximumKeys: 20)
        let throttle = LoginThrottle(policy: policy)
        // A locked identity (locked again while locked: until 120 s), written first (the oldest entry).
        for _ in 0..<6 { await throttle.recordFailure(identity: "victim", address: "a", now: at(0)) }
        // Then many old one-off failures, which are forgettable a window later.
        for index in 0..<8 { await throttle.recordFailure(identity: "old\(index)", address: "a", now: at(0)) }
        // Ten identities at most (half of 20): the eleventh forces a shrink, which drops the
        // eight forgettable ones and keeps the locked victim although it is the oldest.
        for index in 0..<6 { await throttle.recordFailure(identity: "new\(index)", address: "b", now: at(70)) }
        #expect(await throttle.trackedKeys == 7 + 2)
        #expect(await throttle.check(identity: "victim", address: "z", now: at(70)) != .allowed)
    }

    /// Among replicas: what one records is told, and another that hears it counts it as its own, without telling it again.
    @Test func outcomesRecordedHereAreToldAndCountWhereHeard() {
        let toldHere = Mutex<[LoginOutcome]>([])
        let toldThere = Mutex<[LoginOutcome]>([])
        let here = LoginThrottle(told: { outcome in toldHere.withLock { $0.append(outcome) } })
        let there = LoginThrottle(told: { outcome in toldThere.withLock { $0.append(outcome) } })
        for second in 0..<5 { here.recordFailure(identity: "alice", address: "10.0.0.1", now: at(Double(second))) }
        let outcomes = toldHere.withLock { $0 }
        #expect(outcomes == Array(repeating: .failed(identity: "alice", address: "10.0.0.1"), count: 5))
        #expect(there.check(identity: "alice", address: "10.9.9.9", now: at(5)) == .allowed)
        for outcome in outcomes { there.heard(outcome, now: at(5)) }
        #expect(there.check(identity: "alice", address: "10.9.9.9", now: at(5)) == .throttled(retryAfter: 60))
        #expect(toldThere.withLock { $0 }.isEmpty, "what a replica heard is not told again")

        // A success is told only where it clears failures: every authenticated request is one.
        here.recordSuccess(identity: "bob", address: "10.0.0.2", now: at(6))
        #expect(toldHere.withLock { $0.count } == 5)
        here.recordFailure(identity: "bob", address: "10.0.0.2", now: at(7))
        here.recordSuccess(identity: "bob", address: "10.0.0.2", now: at(8))
        #expect(toldHere.withLock { $0.suffix(2) } == [.failed(identity: "bob", address: "10.0.0.2"), .succeeded(identity: "bob")])
    }
}
