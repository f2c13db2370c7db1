import Console
import Foundation
import Testing

@Suite("console sessions")
struct ConsoleSessionsTests {
    @Test("a session lives until logout, idleness or its lifetime ends it; a cookie from elsewhere is nobody")
    func sessionsEnd() {
        let sessions = ConsoleSessions()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let cookie = sessions.start(identity: "user:alice", now: start)
        #expect(cookie.count == 43 && !cookie.contains("=") && !cookie.contains("/") && !cookie.contains("+"))
        #expect(sessions.session(cookie: cookie, now: start.addingTimeInterval(60))?.identity == "user:alice")
        #expect(sessions.session(cookie: cookie + "x", now: start) == nil)
        // Touched every 50 minutes it never goes idle, but ends at 8 hours.
        for minutes in stride(from: 50, to: 480, by: 50) {
            #expect(sessions.session(cookie: cookie, now: start.addingTimeInterval(Double(minutes) * 60)) != nil, "at \(minutes) min")
        }
        #expect(sessions.session(cookie: cookie, now: start.addingTimeInterval(8 * 3600 + 1)) == nil)

        let idle = sessions.start(identity: "admin", now: start)
        #expect(sessions.session(cookie: idle, now: start.addingTimeInterval(3601)) == nil)

        let ended = sessions.start(identity: "user:bob", now: start)
        sessions.end(cookie: ended)
        #expect(sessions.session(cookie: ended, now: start) == nil)

        let first = sessions.start(identity: "user:carol", now: start)
        let second = sessions.start(identity: "user:carol", now: start)
        #expect(first != second)
        sessions.end(identity: "user:carol")
        #expect(sessions.session(cookie: first, now: start) == nil && sessions.session(cookie: second, now: start) == nil)
    }
}
