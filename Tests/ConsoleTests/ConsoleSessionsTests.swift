import Console
import Foundation
import Testing

@Suite("console sessions")
struct ConsoleSessionsTests {
    @Test("a session lives until logout, idleness or its lifetime ends it; a cookie from elsewhere is nobody")
    func sessionsEnd() async throws {
        let sessions = ConsoleSessions()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let cookie = try await sessions.start(identity: "user:alice", now: start)
        #expect(cookie.count == 43 && !cookie.contains("=") && !cookie.contains("/") && !cookie.contains("+"))
        #expect(try await sessions.session(cookie: cookie, now: start.addingTimeInterval(60))?.identity == "user:alice")
        #expect(try await sessions.session(cookie: cookie + "x", now: start) == nil)
        // Touched every 50 minutes it never goes idle, but ends at 8 hours.
        for minutes in stride(from: 50, to: 480, by: 50) {
            #expect(try await sessions.session(cookie: cookie, now: start.addingTimeInterval(Double(minutes) * 60)) != nil, "at \(minutes) min")
        }
        #expect(try await sessions.session(cookie: cookie, now: start.addingTimeInterval(8 * 3600 + 1)) == nil)

        let idle = try await sessions.start(identity: "admin", now: start)
        #expect(try await sessions.session(cookie: idle, now: start.addingTimeInterval(3601)) == nil)

        let ended = try await sessions.start(identity: "user:bob", now: start)
        try await sessions.end(cookie: ended)
        #expect(try await sessions.session(cookie: ended, now: start) == nil)

        let first = try await sessions.start(identity: "user:carol", now: start)
        let second = try await sessions.start(identity: "user:carol", now: start)
        #expect(first != second)
        try await sessions.end(identity: "user:carol")
        #expect(try await sessions.session(cookie: first, now: start) == nil)
        #expect(try await sessions.session(cookie: second, now: start) == nil)
    }

    /// A page view writes the session's last sight only when the stored one is a minute old or more, so a shared store
    /// is not written on every click; idleness is judged to within that minute.
    @Test("the last sight is stored at most once a minute")
    func lastSightIsStoredAtMostOnceAMinute() async throws {
        let sessions = ConsoleSessions()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let stored = try await sessions.start(identity: "user:alice", now: start)
        _ = try await sessions.session(cookie: stored, now: start.addingTimeInterval(61))
        #expect(try await sessions.session(cookie: stored, now: start.addingTimeInterval(61 + 3599)) != nil, "seen at 61 s: idle from then")

        let unstored = try await sessions.start(identity: "user:bob", now: start)
        _ = try await sessions.session(cookie: unstored, now: start.addingTimeInterval(30))
        #expect(try await sessions.session(cookie: unstored, now: start.addingTimeInterval(3601)) == nil, "seen at 30 s: not written")
    }
}
