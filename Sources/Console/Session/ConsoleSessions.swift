import Crypto
import Foundation
import Synchronization

/// Who is signed in to the console (spec/console.md, "Signing in"). The cookie holds a random 256-bit id; the server
/// keeps only its SHA-256, so a copy of this table (a heap dump, a log line) lets no one sign in. Kept in memory: a
/// restart signs everyone out, which for a read-only console costs a login.
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
    /// Sessions kept at most: past it, the oldest is ended, so sign-ins cannot grow the table without bound.
    public static let capacity = 10_000

    private let sessions = Mutex([SHA256Digest: Session]())

    public init() {}

    /// Starts a session for `identity`, signed in with the credential `credential` digests, and returns the cookie value.
    public func start(identity: String, credential: String = "", now: Date = Date()) -> String {
        let id = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let cookie = id.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        sessions.withLock { sessions in
            if sessions.count >= Self.capacity, let oldest = sessions.min(by: { $0.value.lastSeen < $1.value.lastSeen }) {
                sessions.removeValue(forKey: oldest.key)
            }
            sessions[Self.key(cookie)] = Session(identity: identity, credential: credential, started: now, lastSeen: now)
        }
        return cookie
    }

    /// The session a cookie names, if it is live; touching it keeps it from going idle.
    public func session(cookie: String, now: Date = Date()) -> Session? {
        let key = Self.key(cookie)
        return sessions.withLock { sessions in
            guard var session = sessions[key] else { return nil }
            guard now.timeIntervalSince(session.started) < Self.lifetime, now.timeIntervalSince(session.lastSeen) < Self.idleLimit else {
                sessions.removeValue(forKey: key)
                return nil
            }
            session.lastSeen = now
            sessions[key] = session
            return session
        }
    }

    public func end(cookie: String) {
        let key = Self.key(cookie)
        _ = sessions.withLock { $0.removeValue(forKey: key) }
    }

    /// Ends every session of `identity`: a user removed from git, or whose password changed.
    public func end(identity: String) {
        sessions.withLock { sessions in sessions = sessions.filter { $0.value.identity != identity } }
    }

    private static func key(_ cookie: String) -> SHA256Digest { SHA256.hash(data: Data(cookie.utf8)) }
}
