import AuditRecords
import Foundation
import Storage

/// Which records an export or an admin query wants. Every field narrows; an empty filter takes everything.
public struct AuditFilter: Sendable, Hashable {
    public var since: Date?
    public var until: Date?
    public var repository: String?
    public var actor: String?
    public var actions: Set<AuditAction>

    public init(since: Date? = nil, until: Date? = nil, repository: String? = nil, actor: String? = nil, actions: Set<AuditAction> = []) {
        self.since = since
        self.until = until
        self.repository = repository
        self.actor = actor
        self.actions = actions
    }

    public func matches(_ record: AuditRecord) -> Bool {
        let event = record.event
        if let since, event.time < since { return false }
        if let until, event.time >= until { return false }
        if let repository, event.repository != repository { return false }
        if let actor, event.actor != actor { return false }
        return actions.isEmpty || actions.contains(event.action)
    }
}

/// A page of records after a sequence, filtered: what `GET /admin/v1/audit` and `berth audit export` read.
public struct AuditPage: Sendable {
    public var records: [AuditRecord]
    /// Where the next page starts (pass it as `after`); nil at the end of the log.
    public var next: UInt64?

    /// Reads on from `after` until `limit` records match, the log ends, or `scanLimit` records were looked at (a
    /// narrow filter over a long log answers in bounded time and says where to go on).
    public static func read(_ store: any AuditStore, after: UInt64, filter: AuditFilter, limit: Int, scanLimit: Int = 200_000) async throws -> AuditPage {
        var page = AuditPage(records: [], next: nil)
        var position = after
        var scanned = 0
        while true {
            if page.records.count == limit || scanned >= scanLimit {
                page.next = position
                return page
            }
            let batch = try await store.records(after: position, limit: min(10_000, scanLimit - scanned))
            if batch.isEmpty { return page }
            for record in batch {
                scanned += 1
                position = record.sequence
                if filter.matches(record) {
                    page.records.append(record)
                    if page.records.count == limit { break }
                }
            }
        }
    }
}
