import Audit
import AuditRecords
import Console
import Foundation

/// Pushes and pulls per day and repository, counted from the audit log for the overview's chart. Reading a month of
/// pull records on every page view would cost seconds, so the counts are kept here and brought up to date in the
/// background from where they stopped, at most every 30 seconds.
actor ActivityHistogram {
    private let audit: AuditLog
    /// Day (`yyyy-MM-dd`) → repository → (pushes, pulls).
    private var counts: [String: [String: (pushes: Int, pulls: Int)]] = [:]
    private var read: UInt64 = 0
    private var refreshed: Date?
    private var refreshing = false

    init(audit: AuditLog) { self.audit = audit }

    /// The last `count` days, oldest first, over the repositories `included` admits.
    func days(_ count: Int, now: Date = Date(), repositories included: (String) -> Bool) -> [SVGChart.Day] {
        if !refreshing, refreshed.map({ now.timeIntervalSince($0) > 30 }) ?? true {
            refreshing = true
            Task { await self.refresh(now: now) }
        }
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
    }
}
