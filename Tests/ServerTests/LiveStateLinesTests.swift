import AdminAPI
import Reconciler
import Foundation
import Storage
import TestSupport
import Testing

@Suite struct LiveStateLinesTests {
    @Test func roundTripsExactly() throws {
        let state = LiveState(
            objects: [
                ConfigurationObject(kind: "Tier", name: "internal", spec: #"{"kind":"Tier","name":"internal","spec":{"description":"tabs \t and\nlines","anonymousPull":false}}"#),
                ConfigurationObject(kind: "Repository", name: "payments/*", spec: #"{"kind":"Repository","name":"payments/*","spec":{"tier":"internal"}}"#),
                ConfigurationObject(kind: "User", name: "zoë", spec: #"{"kind":"User","name":"zoë","spec":{"passwordHash":"$2b$12$x"}}"#),
            ],
            fingerprint: "sha256:abc", imageCounts: ["payments/api": 3, "web/ui": 0])
        let encoded = try LiveStateLines.encode(state)
        let decoded = try LiveStateLines.decode(Data(buffer: encoded))
        #expect(decoded.objects == state.objects)
        #expect(decoded.fingerprint == state.fingerprint)
        #expect(decoded.imageCounts == state.imageCounts)
        #expect(try LiveStateLines.decode(Data(buffer: try LiveStateLines.encode(LiveState(objects: [], fingerprint: "f", imageCounts: [:])))).objects.isEmpty)
    }

    @Test func refusesWhatItCannotCarryAndWhatIsMalformed() throws {
        let raw = LiveState(objects: [ConfigurationObject(kind: "Tier", name: "x", spec: "{\"a\":\"raw\ttab\"}")], fingerprint: "f", imageCounts: [:])
        #expect(throws: ReconciliationError.self) { _ = try LiveStateLines.encode(raw) }
        for text in ["", "berth-live-state/v1\tf\n", "other/v9\tf\n{}\n", "berth-live-state/v1\tf\n{}\nTier\tonly-two-fields\n",
                     "berth-live-state/v1\tf\nnot json\n"] {
            #expect(throws: (any Error).self, "\(text.debugDescription)") { _ = try LiveStateLines.decode(Data(text.utf8)) }
        }
    }
}
