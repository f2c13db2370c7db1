@testable import PostgresStorage
import Storage
import Testing

/// A login's identity is whatever the client sent: it travels in a NOTIFY payload of words, so it must come back whole
/// whatever it holds, and an absurdly long one must not make the payload too long for NOTIFY.
@Suite struct ReplicaChangePayloadTests {
    @Test(arguments: ["alice", "user:alice", "name with spaces", "ünïcödé\n\t\"'", "-", ".", String(repeating: "x", count: ReplicaChange.longestIdentity)])
    func aLoginsIdentityComesBackWhole(identity: String) {
        for change in [ReplicaChange.loginFailed(identity: identity, address: "2001:db8::1"), .loginSucceeded(identity: identity)] {
            #expect(ReplicaChange(payload: change.payload) == change)
        }
    }

    @Test func aTooLongIdentityTravelsAsNoneAndTheAddressStillCounts() {
        let long = String(repeating: "x", count: ReplicaChange.longestIdentity + 1)
        let failed = ReplicaChange.loginFailed(identity: long, address: "10.0.0.1")
        #expect(failed.payload.utf8.count < 100)
        #expect(ReplicaChange(payload: failed.payload) == .loginFailed(identity: nil, address: "10.0.0.1"))
        #expect(ReplicaChange(payload: ReplicaChange.loginFailed(identity: nil, address: "10.0.0.1").payload) == .loginFailed(identity: nil, address: "10.0.0.1"))
        // A success names an identity or is nothing to tell.
        #expect(ReplicaChange(payload: ReplicaChange.loginSucceeded(identity: long).payload) == nil)
    }

    @Test func wordsThatAreNotBase64OfUTF8AreDropped() {
        #expect(ReplicaChange(payload: "login-failed !!! MTAuMC4wLjE") == nil)
        #expect(ReplicaChange(payload: "login-failed . _w") == nil, "0xFF is not UTF-8")
        #expect(ReplicaChange(payload: "login-succeeded .") == nil)
    }
}
