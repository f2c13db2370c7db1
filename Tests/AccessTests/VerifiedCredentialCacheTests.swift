import Foundation
import HummingbirdBcrypt
import Testing
@testable import Access

@Suite struct VerifiedCredentialCacheTests {
    let start = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func hitAfterSuccess() {
        let cache = VerifiedCredentialCache()
        let hash = Bcrypt.hash("pw-1", cost: 4)
        #expect(!cache.contains(name: "alice", password: "pw-1", encodedHash: hash, now: start))
        #expect(cache.verify(name: "alice", password: "pw-1", against: hash, now: start))
        #expect(cache.contains(name: "alice", password: "pw-1", encodedHash: hash, now: start.addingTimeInterval(299)))
        // A different password, name or hash is a different entry.
        #expect(!cache.contains(name: "alice", password: "pw-2", encodedHash: hash, now: start))
        #expect(!cache.contains(name: "bob", password: "pw-1", encodedHash: hash, now: start))
    }

    @Test func failuresAreNotCached() {
        let cache = VerifiedCredentialCache()
        let hash = Bcrypt.hash("right", cost: 4)
        #expect(!cache.verify(name: "alice", password: "wrong", against: hash, now: start))
        #expect(cache.count == 0)
    }

    @Test func missAfterTimeToLive() {
        let cache = VerifiedCredentialCache(timeToLive: .seconds(300))
        cache.remember(name: "alice", password: "pw", encodedHash: "h", now: start)
        #expect(cache.contains(name: "alice", password: "pw", encodedHash: "h", now: start.addingTimeInterval(299.9)))
        #expect(!cache.contains(name: "alice", password: "pw", encodedHash: "h", now: start.addingTimeInterval(300)))
        // The expired entry was dropped on lookup.
        #expect(cache.count == 0)
    }

    @Test func missWhenTheHashChanges() {
        let cache = VerifiedCredentialCache()
        let old = Bcrypt.hash("pw", cost: 4)
        #expect(cache.verify(name: "alice", password: "pw", against: old, now: start))
        let new = Bcrypt.hash("new-pw", cost: 4)
        #expect(!cache.contains(name: "alice", password: "pw", encodedHash: new, now: start))
        #expect(!cache.verify(name: "alice", password: "pw", against: new, now: start))
    }

    @Test func fieldsAreNotAmbiguous() {
        let cache = VerifiedCredentialCache()
        cache.remember(name: "ab", password: "c", encodedHash: "h", now: start)
        #expect(!cache.contains(name: "a", password: "bc", encodedHash: "h", now: start))
    }

    @Test func sizeIsBoundedAndOldestGoesFirst() {
        let cache = VerifiedCredentialCache(capacity: 100)
        for index in 0..<1_000 {
            cache.remember(name: "user\(index)", password: "pw", encodedHash: "h", now: start.addingTimeInterval(Double(index)))
        }
        #expect(cache.count == 100)
        let now = start.addingTimeInterval(1_000)
        #expect(!cache.contains(name: "user0", password: "pw", encodedHash: "h", now: now))
        #expect(!cache.contains(name: "user899", password: "pw", encodedHash: "h", now: now))
        #expect(cache.contains(name: "user900", password: "pw", encodedHash: "h", now: now))
        #expect(cache.contains(name: "user999", password: "pw", encodedHash: "h", now: now))
    }

    @Test func rememberingAgainRefreshesWithoutGrowing() {
        let cache = VerifiedCredentialCache(timeToLive: .seconds(10), capacity: 3)
        for round in 0..<50 {
            cache.remember(name: "alice", password: "pw", encodedHash: "h", now: start.addingTimeInterval(Double(round)))
        }
        #expect(cache.count == 1)
        #expect(cache.contains(name: "alice", password: "pw", encodedHash: "h", now: start.addingTimeInterval(58)))
        cache.removeAll()
        #expect(cache.count == 0)
    }
}
