import Foundation
import Storage
import TestSupport
import Testing

/// The contract every `ConsoleSessionStore` must honour, as checks any driver can run against itself. `makeStore` is
/// called with a new empty folder for each check.
public struct ConsoleSessionStoreConformance: Sendable {
    public typealias MakeStore = @Sendable (URL) async throws -> any ConsoleSessionStore

    private let makeStore: MakeStore

    public init(makeStore: @escaping MakeStore) { self.makeStore = makeStore }

    public var allChecks: [ConformanceCheck] {
        [
            ConformanceCheck("sessionsAreStoredTouchedAndRemovedByKey", sessionsAreStoredTouchedAndRemovedByKey),
            ConformanceCheck("removingAnIdentityEndsItsSessionsOnly", removingAnIdentityEndsItsSessionsOnly),
            ConformanceCheck("pastTheCapacityTheLeastRecentlySeenGo", pastTheCapacityTheLeastRecentlySeenGo),
        ]
    }

    /// Runs every check; each failure is recorded as an issue of the running test, naming its check.
    public func run() async { await allChecks.run() }

    /// Whole seconds: every store keeps at least those exactly.
    private static func at(_ seconds: Int) -> Date { Date(timeIntervalSince1970: 1_800_000_000 + TimeInterval(seconds)) }

    private static func session(_ key: UInt8, _ identity: String, seen: Int) -> StoredConsoleSession {
        StoredConsoleSession(key: Array(repeating: key, count: 32), identity: identity, credential: "sha256:\(key)", started: at(0), lastSeen: at(seen))
    }

    public func sessionsAreStoredTouchedAndRemovedByKey() async throws {
        let check: Comment = "ConsoleSessionStoreConformance.sessionsAreStoredTouchedAndRemovedByKey"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            let alice = Self.session(1, "user:alice", seen: 0)
            try await store.insert(alice, capacity: 10)
            #expect(try await store.session(key: alice.key) == alice, "\(check.rawValue): every field as stored")
            #expect(try await store.session(key: Array(repeating: 2, count: 32)) == nil, check)
            try await store.touch(key: alice.key, lastSeen: Self.at(90))
            var touched = alice
            touched.lastSeen = Self.at(90)
            #expect(try await store.session(key: alice.key) == touched, check)
            try await store.remove(key: alice.key)
            #expect(try await store.session(key: alice.key) == nil, check)
            try await store.remove(key: alice.key)
        }
    }

    public func removingAnIdentityEndsItsSessionsOnly() async throws {
        let check: Comment = "ConsoleSessionStoreConformance.removingAnIdentityEndsItsSessionsOnly"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            let sessions = [Self.session(1, "user:alice", seen: 0), Self.session(2, "user:alice", seen: 1), Self.session(3, "user:bob", seen: 2)]
            for session in sessions { try await store.insert(session, capacity: 10) }
            try await store.remove(identity: "user:alice")
            #expect(try await store.session(key: sessions[0].key) == nil, check)
            #expect(try await store.session(key: sessions[1].key) == nil, check)
            #expect(try await store.session(key: sessions[2].key) == sessions[2], check)
        }
    }

    public func pastTheCapacityTheLeastRecentlySeenGo() async throws {
        let check: Comment = "ConsoleSessionStoreConformance.pastTheCapacityTheLeastRecentlySeenGo"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            let first = Self.session(1, "user:alice", seen: 10)
            let second = Self.session(2, "user:bob", seen: 20)
            try await store.insert(first, capacity: 2)
            try await store.insert(second, capacity: 2)
            // Seen again, the first is now the more recent of the two.
            try await store.touch(key: first.key, lastSeen: Self.at(30))
            let third = Self.session(3, "user:carol", seen: 40)
            try await store.insert(third, capacity: 2)
            #expect(try await store.session(key: second.key) == nil, check)
            #expect(try await store.session(key: first.key) != nil, check)
            #expect(try await store.session(key: third.key) == third, check)
        }
    }
}
