import Audit
import AuditRecords
import Foundation
import Testing

/// The byte test that lets searches skip lines must never skip a record the filter keeps.
@Suite("audit filter on stored lines")
struct AuditFilterLineTests {
    @Test("a line whose record the filter keeps always passes the byte test; most others do not")
    func neverSkipsAMatch() {
        let actors = ["user:alice", "user:al", "robot:ci\"quoted\"", "admin", "anonymous", "user:é\u{1}"]
        let repositories: [String?] = ["team/app", "team/app2", "team", nil, "a\\b", "x\"y"]
        let actions: [AuditAction] = [.manifestPush, .manifestPull, .tagDelete, .driftDetect]
        var records: [AuditRecord] = []
        for (index, actor) in actors.enumerated() {
            for (offset, repository) in repositories.enumerated() {
                let event = AuditEvent(actor: actor, address: "10.0.0.\(index)", action: actions[(index + offset) % actions.count], repository: repository,
                                       object: "v1", details: ["digest": "sha256:00", "repository": repository ?? "none"])
                records.append(AuditRecord(sequence: UInt64(records.count + 1), previous: .zero, event: event))
            }
        }
        var skipped = 0
        for actor in actors + [nil] {
            for repository in repositories {
                for action in actions.map(Optional.some) + [nil] {
                    let filter = AuditFilter(repository: repository, actor: actor, actions: action.map { [$0] } ?? [])
                    for record in records {
                        let passes = filter.mayMatch(line: record.canonicalLine())
                        if filter.matches(record) { #expect(passes, "\(filter) skipped \(String(decoding: record.canonicalLine(), as: UTF8.self))") }
                        if !passes { skipped += 1 }
                    }
                }
            }
        }
        #expect(skipped > records.count * 20, "the byte test skips nothing: \(skipped)")
    }
}
