import Audit
import AuditRecords
import Console
import Foundation
import Hummingbird
import Storage

/// Pages for administrators only: to anyone else they do not exist (404).
extension ConsoleRoutes {
    static let auditPerPage = 100
    /// Records one page looks through for matches, newest first; the page links to the next stretch when it found
    /// fewer than a page.
    static let auditScanned: UInt64 = 20_000

    private func requireAdministrator(_ viewer: Viewer) throws {
        guard viewer.isAdministrator else { throw ConsoleNotFound(message: "There is no such page.") }
    }

    static func revisionRow(_ revision: ConfigurationRevision) -> RevisionsPage.Revision {
        RevisionsPage.Revision(number: revision.id, link: "/ui/revision?number=\(revision.id)", appliedAt: ConsoleText.time(revision.appliedAt),
                               actor: revision.source.actor, commit: revision.source.commit, author: revision.source.author,
                               changes: revision.changeCount, summary: revision.source.summary)
    }

    func revisions(_ request: Request, _ viewer: Viewer) async throws -> Answer {
        try requireAdministrator(viewer)
        let revisions = try await admin.revisions(limit: 200).map(Self.revisionRow)
        let drift = await digest.drift().map { record in
                let details = record.event.details
                let detail = record.event.action == .driftDetect
                    ? "changed by \(details["by"].flatMap { $0.isEmpty ? nil : $0 } ?? "someone outside git")"
                    : "reverted to \(details["commit"].map { "commit \($0)" } ?? "the declarations")"
                return RevisionsPage.Drift(time: ConsoleText.time(record.event.time), action: record.event.action == .driftDetect ? "detected" : "reverted",
                                           objects: details["objects"] ?? "", detail: detail)
            }
        return Answer(body: renderer.render(RevisionsPage(frame: viewer.frame("Revisions"), revisions: revisions, drift: drift)))
    }

    func revision(_ request: Request, _ viewer: Viewer) async throws -> Answer {
        try requireAdministrator(viewer)
        guard let number = request.uri.queryParameters["number"].flatMap({ Int64(String($0)) }),
              let revision = try await admin.revisions(limit: Int.max).first(where: { $0.id == number })
        else { throw ConsoleNotFound(message: "There is no such revision.") }
        return Answer(body: renderer.render(RevisionPage(frame: viewer.frame("Revision \(number)"), revision: Self.revisionRow(revision),
                                                         plan: revision.source.plan)))
    }

    func auditPage(_ request: Request, _ viewer: Viewer) async throws -> Answer {
        try requireAdministrator(viewer)
        let query = request.uri.queryParameters
        func value(_ name: String) -> String? { query[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        let shown = AuditPage.Filter(repository: value("repository") ?? "", actor: value("actor") ?? "", action: value("action") ?? "",
                                     from: value("from") ?? "", until: value("until") ?? "")
        let before = value("before").flatMap { UInt64($0) }
        var records: [AuditRecord] = []
        var problem: String?
        var newest = await audit.head.sequence
        if let before { newest = min(newest, before > 0 ? before - 1 : 0) }
        let oldestSearched = newest > Self.auditScanned ? newest - Self.auditScanned + 1 : 1
        do {
            let filter = try AuditFilter(query: value, actions: value("action").map { [$0] } ?? [])
            records = try await AuditSearch.newest(Self.auditPerPage + 1, in: audit.store, before: before, scanLimit: Self.auditScanned,
                                                   lines: filter.mayMatch(line:), matching: filter.matches)
        } catch {
            problem = "\(error)"
        }
        let more = records.count > Self.auditPerPage
        records = Array(records.prefix(Self.auditPerPage))
        let rows = records.map { record in
            AuditPage.Record(sequence: record.sequence, time: AuditTime.string(record.event.time), actor: record.event.actor,
                             action: record.event.action.rawValue, outcome: record.event.outcome.rawValue, repository: record.event.repository,
                             object: record.event.object,
                             details: record.event.details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        }
        let pairs: [(String, String?)] = [("repository", shown.repository), ("actor", shown.actor), ("action", shown.action), ("from", shown.from),
                                          ("until", shown.until)]
        // A full page continues below its oldest record; a short one below the stretch it searched, if older records remain.
        let continueBelow = more ? records.last?.sequence : (oldestSearched > 1 ? oldestSearched : nil)
        let paging = Paging(previous: before == nil ? nil : "/ui/audit" + ConsoleText.query(pairs),
                            next: continueBelow.map { "/ui/audit" + ConsoleText.query(pairs + [("before", String($0))]) },
                            summary: "searched records \(oldestSearched)–\(newest), newest first")
        let chain = await chain.state()
        return Answer(body: renderer.render(AuditPage(frame: viewer.frame("Audit log"), filter: shown, actions: AuditAction.allCases.map(\.rawValue),
                                                      records: rows, chain: chain.text, chainIntact: chain.intact, error: problem, paging: paging)))
    }
}
