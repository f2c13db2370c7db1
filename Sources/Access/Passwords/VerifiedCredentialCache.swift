import Crypto
import Foundation
import Synchronization

/// Remembers recent successful password verifications so that HTTP Basic on every request
/// costs one HMAC instead of one bcrypt/argon2 run (~250 ms each).
///
/// Entries are keyed by HMAC-SHA256(name, password, encodedHash) under a random key made
/// when the process starts: the password is never stored, and a memory dump holds nothing
/// that could be checked offline without that key. Because the stored hash is part of the
/// key, changing a user's password (or hash parameters) makes the old entry miss at once.
/// Only successes are cached; a wrong password always pays the full hash, and the login
/// throttle is what limits how often that can happen.
public final class VerifiedCredentialCache: Sendable {
    public static let defaultTimeToLive: Duration = .seconds(300)
    public static let defaultCapacity = 10_000

    private let key = SymmetricKey(size: .bits256)
    private let timeToLive: TimeInterval
    private let capacity: Int
    private let entries = Mutex(InsertionOrderedMap<Data, Date>())

    /// - Parameters:
    ///   - timeToLive: how long one successful verification is trusted; it bounds how long a
    ///     password keeps working in this process after it was changed elsewhere.
    ///   - capacity: most entries kept; past it the oldest are evicted (they expire first).
    public init(timeToLive: Duration = defaultTimeToLive, capacity: Int = defaultCapacity) {
        self.timeToLive = max(0, timeToLive.timeInterval)
        self.capacity = max(1, capacity)
    }

    /// True when this exact (name, password, hash) verified successfully within the TTL.
    public func contains(name: String, password: String, encodedHash: String, now: Date = Date()) -> Bool {
        let id = fingerprint(name: name, password: password, encodedHash: encodedHash)
        return entries.withLock { map in
            guard let expiry = map[id] else { return false }
            if now < expiry { return true }
            map.removeValue(forKey: id)
            return false
        }
    }

    /// Records a successful verification. Call it only after the password really verified.
    public func remember(name: String, password: String, encodedHash: String, now: Date = Date()) {
        let id = fingerprint(name: name, password: password, encodedHash: encodedHash)
        let expiry = now.addingTimeInterval(timeToLive)
        entries.withLock { map in
            map.set(expiry, for: id)
            // All entries share one TTL, so the oldest written is also the first to expire.
            while map.count > capacity { _ = map.popOldest() }
        }
    }

    /// Checks the cache, falling back to ``PasswordVerifier`` and remembering a success.
    /// Blocking for the duration of a hash on a miss: run it off the request executor.
    public func verify(name: String, password: String, against encodedHash: String, now: Date = Date()) -> Bool {
        if contains(name: name, password: password, encodedHash: encodedHash, now: now) { return true }
        guard PasswordVerifier.verify(password, against: encodedHash) else { return false }
        remember(name: name, password: password, encodedHash: encodedHash, now: now)
        return true
    }

    /// Forgets everything, e.g. when the user list is reloaded and a user may have been removed.
    public func removeAll() {
        entries.withLock { $0.removeAll() }
    }

    public var count: Int {
        entries.withLock { $0.count }
    }

    /// Each field is length-prefixed so that no two different triples hash the same input
    /// (("ab", "c") and ("a", "bc") would otherwise collide).
    private func fingerprint(name: String, password: String, encodedHash: String) -> Data {
        var hmac = HMAC<SHA256>(key: key)
        for field in [name, password, encodedHash] {
            let bytes = Array(field.utf8)
            hmac.update(data: withUnsafeBytes(of: UInt64(bytes.count).bigEndian) { Array($0) })
            hmac.update(data: bytes)
        }
        return Data(hmac.finalize())
    }
}
