import Foundation
import NIOCore
import PostgresNIO
import Storage

/// Console sessions shared by replicas: a session opened on one is good on all, and a sign-out on one ends it everywhere.
extension PostgresMetadataStore: ConsoleSessionStore {
    public func insert(_ session: StoredConsoleSession, capacity: Int) async throws {
        try await database.query("""
            INSERT INTO console_sessions (key, identity, credential, started, last_seen)
            VALUES (\(ByteBuffer(bytes: session.key)), \(session.identity), \(session.credential), \(session.started), \(session.lastSeen))
            ON CONFLICT (key) DO UPDATE SET identity = excluded.identity, credential = excluded.credential, started = excluded.started,
                last_seen = excluded.last_seen
            """)
        try await database.query("""
            DELETE FROM console_sessions WHERE key IN (SELECT key FROM console_sessions ORDER BY last_seen DESC, key OFFSET \(capacity))
            """)
    }

    public func session(key: [UInt8]) async throws -> StoredConsoleSession? {
        let rows = try await database.query(
            "SELECT identity, credential, started, last_seen FROM console_sessions WHERE key = \(ByteBuffer(bytes: key))")
        for try await (identity, credential, started, lastSeen) in rows.decode((String, String, Date, Date).self) {
            return StoredConsoleSession(key: key, identity: identity, credential: credential, started: started, lastSeen: lastSeen)
        }
        return nil
    }

    public func touch(key: [UInt8], lastSeen: Date) async throws {
        try await database.query("UPDATE console_sessions SET last_seen = \(lastSeen) WHERE key = \(ByteBuffer(bytes: key))")
    }

    public func remove(key: [UInt8]) async throws {
        try await database.query("DELETE FROM console_sessions WHERE key = \(ByteBuffer(bytes: key))")
    }

    public func remove(identity: String) async throws {
        try await database.query("DELETE FROM console_sessions WHERE identity = \(identity)")
    }
}
