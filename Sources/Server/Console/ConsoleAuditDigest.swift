import Audit
import AuditRecords
import Console
import Foundation

/// What the console shows from the audit log that a page cannot afford to search for: pushes and pulls per day and
/// repository (the overview's chart), and the latest drift records (the revisions page). Reading a month of pull
/// records on every page view would cost seconds, so both are kept here and brought up to date in the background from
/// where they stopped, at most every 30 seconds.
actor ConsoleAuditDigest {
    private let audit: AuditLog
    /// Day (`yyyy-MM-dd`) → repository → (pushes, pulls).
    private var counts: [String: [String: (pushes: Int, pulls: Int)]] = [:]
    /// Newest last.
    private var driftRecords: [AuditRecord] = []
    static let driftKept = 50
    private var read: UInt64 = 0
    private var refreshed: Date?
    private var refreshing = false

    init(audit: AuditLog) { self.audit = audit }

    /// The latest drift detections and reverts, newest first.
    func drift(now: Date = Date()) -> [AuditRecord] {
        refreshIfStale(now: now)
        return driftRecords.reversed()
    }

    private func refreshIfStale(now: Date) {
        if !refreshing, refreshed.map({ now.timeIntervalSince($0) > 30 }) ?? true {
            refreshing = true
            Task { await self.refresh(now: now) }
        }
    }

    /// The last `count` days, oldest first, over the repositories `included` admits.
    func days(_ count: Int, now: Date = Date(), repositories included: (String) -> Bool) -> [SVGChart.Day] {
        refreshIfStale(now: now)
        return (0..<count).reversed().map { back in
            let day = ConsoleText.day(now.addingTimeInterval(-Double(back) * 86_400))
            var pushes = 0, pulls = 0
            for (repository, counted) in counts[day] ?? [:] where included(repository) {
                pushes += counted.pushes
                pulls += counted.pulls
            }
            return SVGChart.Day(day: day, pushes: pushes, pulls: pulls)
        }
    }

    private func refresh(now: Date) async {
        defer {
            refreshing = false
            refreshed = Date()
        }
        let oldest = ConsoleText.day(now.addingTimeInterval(-31 * 86_400))
        do {
            while true {
                let records = try await audit.store.records(after: read, limit: 10_000)
                guard let last = records.last else { break }
                for record in records where record.event.outcome == .success {
                    if record.event.action == .driftDetect || record.event.action == .driftRevert { driftRecords.append(record) }
                    guard let repository = record.event.repository else { continue }
                    let day = ConsoleText.day(record.event.time)
                    guard day >= oldest else { continue }
                    switch record.event.action {
                    case .manifestPush: counts[day, default: [:]][repository, default: (0, 0)].pushes += 1
                    case .manifestPull where record.event.details["method"] == nil: counts[day, default: [:]][repository, default: (0, 0)].pulls += 1
                    default: break
                    }
                }
                read = last.sequence
            }
        } catch {
            // The chart shows what was counted; the next refresh tries again.
        }
        counts = counts.filter { $0.key >= oldest }
        driftRecords = Array(driftRecords.suffix(Self.driftKept))
    }
}
