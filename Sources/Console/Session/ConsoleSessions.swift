import Crypto
import Foundation
import Storage
import WireFormats

/// Who is signed in to the console (spec/console.md, "Signing in"). The cookie holds a random 256-bit id; the store
/// keeps only its SHA-256, so a copy of it (a heap dump, a database backup, a log line) lets no one sign in. The store
/// is the server's memory, or PostgreSQL shared by replicas (`ConsoleSessionStore`).
public final class ConsoleSessions: Sendable {
    public struct Session: Sendable, Hashable {
        /// As the audit log names actors: `admin`, `user:alice`.
        public var identity: String
        /// A digest of the credential the session was opened with (a user's password hash from git): a session outlives
        /// no password change.
        public var credential: String
        public var started: Date
        public var lastSeen: Date
    }

    public static let lifetime: TimeInterval = 8 * 3600
    public static let idleLimit: TimeInterval = 3600
    /// How stale the stored `lastSeen` may get: a page view writes it at most this often, so a shared store is not
    /// written on every click. Idleness is judged to within it.
    public static let touchInterval: TimeInterval = 60
    /// Sessions kept at most: past it, the least recently seen is ended, so sign-ins cannot grow the store without bound.
    public static let capacity = 10_000

    private let store: any ConsoleSessionStore

    public init(store: any ConsoleSessionStore = MemoryConsoleSessionStore()) {
        self.store = store
    }

    /// Starts a session for `identity`, signed in with the credential `credential` digests, and returns the cookie value.
    public func start(identity: String, credential: String = "", now: Date = Date()) async throws -> String {
        let cookie = SymmetricKey(size: .bits256).withUnsafeBytes { Base64URL.encode($0) }
        try await store.insert(StoredConsoleSession(key: Self.key(cookie), identity: identity, credential: credential, started: now, lastSeen: now),
                               capacity: Self.capacity)
        return cookie
    }

    /// The session a cookie names, if it is live; seeing it keeps it from going idle. Throws when the store cannot answer.
    public func session(cookie: String, now: Date = Date()) async throws -> Session? {
        let key = Self.key(cookie)
        guard let stored = try await store.session(key: key) else { return nil }
        guard now.timeIntervalSince(stored.started) < Self.lifetime, now.timeIntervalSince(stored.lastSeen) < Self.idleLimit else {
            try await store.remove(key: key)
            return nil
        }
        if now.timeIntervalSince(stored.lastSeen) >= Self.touchInterval { try await store.touch(key: key, lastSeen: now) }
        return Session(identity: stored.identity, credential: stored.credential, started: stored.started, lastSeen: now)
    }

    public func end(cookie: String) async throws {
        try await store.remove(key: Self.key(cookie))
    }

    /// Ends every session of `identity`: a user removed from git, or whose password changed.
    public func end(identity: String) async throws {
        try await store.remove(identity: identity)
    }

    private static func key(_ cookie: String) -> [UInt8] { Array(SHA256.hash(data: Data(cookie.utf8))) }
}
