import Foundation
import Synchronization

/// Who is signed in to the web console, by the SHA-256 of each session's cookie (spec/console.md, "Signing in"): in
/// memory for one server (`MemoryConsoleSessionStore`), in PostgreSQL for replicas, so that a session opened on one is
/// good on all of them and a sign-out on one ends it everywhere.
public protocol ConsoleSessionStore: Sendable {
    /// Stores `session`, then ends the least recently seen sessions beyond `capacity`.
    func insert(_ session: StoredConsoleSession, capacity: Int) async throws
    func session(key: [UInt8]) async throws -> StoredConsoleSession?
    func touch(key: [UInt8], lastSeen: Date) async throws
    func remove(key: [UInt8]) async throws
    /// Ends every session of `identity`.
    func remove(identity: String) async throws
}

public struct StoredConsoleSession: Sendable, Hashable {
    /// The SHA-256 of the cookie: a copy of the store lets no one sign in.
    public var key: [UInt8]
    public var identity: String
    /// A digest of the credential the session was opened with (a user's password hash from git).
    public var credential: String
    public var started: Date
    public var lastSeen: Date

    public init(key: [UInt8], identity: String, credential: String, started: Date, lastSeen: Date) {
        self.key = key
        self.identity = identity
        self.credential = credential
        self.started = started
        self.lastSeen = lastSeen
    }
}

/// One server's console sessions: a restart signs everyone out, which for a read-only console costs a sign-in.
public final class MemoryConsoleSessionStore: ConsoleSessionStore {
    private let sessions = Mutex([[UInt8]: StoredConsoleSession]())

    public init() {}

    public func insert(_ session: StoredConsoleSession, capacity: Int) async throws {
        sessions.withLock { sessions in
            sessions[session.key] = session
            while sessions.count > capacity, let oldest = sessions.min(by: { $0.value.lastSeen < $1.value.lastSeen }) {
                sessions.removeValue(forKey: oldest.key)
            }
        }
    }

    public func session(key: [UInt8]) async throws -> StoredConsoleSession? {
        sessions.withLock { $0[key] }
    }

    public func touch(key: [UInt8], lastSeen: Date) async throws {
        sessions.withLock { $0[key]?.lastSeen = lastSeen }
    }

    public func remove(key: [UInt8]) async throws {
        _ = sessions.withLock { $0.removeValue(forKey: key) }
    }

    public func remove(identity: String) async throws {
        sessions.withLock { sessions in sessions = sessions.filter { $0.value.identity != identity } }
    }
}
