import AuditRecords
import Foundation
import Storage

public struct AuditFilterError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

extension AuditFilter {
    /// The filter as `GET /admin/v1/audit` and `berth audit export` take it: `from` and `until` times (RFC 3339, or a
    /// day `2026-12-01` meaning its start in UTC), `repository`, `actor`, and any number of `action`s.
    public init(query value: (String) -> String?, actions: [String]) throws {
        self.init()
        if let text = value("from") { since = try Self.time(text, name: "from") }
        if let text = value("until") { until = try Self.time(text, name: "until") }
        repository = value("repository")
        actor = value("actor")
        for name in actions {
            guard let action = AuditAction(rawValue: name) else {
                throw AuditFilterError(description: "action \(name) is not one of: \(AuditAction.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            self.actions.insert(action)
        }
    }

    /// The same filter as query items, for a remote export.
    public var queryItems: [URLQueryItem] {
        var items: [URLQueryItem] = []
        if let since { items.append(URLQueryItem(name: "from", value: AuditTime.string(since))) }
        if let until { items.append(URLQueryItem(name: "until", value: AuditTime.string(until))) }
        if let repository { items.append(URLQueryItem(name: "repository", value: repository)) }
        if let actor { items.append(URLQueryItem(name: "actor", value: actor)) }
        items += actions.sorted().map { URLQueryItem(name: "action", value: $0.rawValue) }
        return items
    }

    public static func time(_ text: String, name: String) throws -> Date {
        if let exact = AuditTime.parse(text) { return exact }
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = ISO8601DateFormatter().date(from: text) ?? withFraction.date(from: text) { return date }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        if let date = day.date(from: text) { return date }
        throw AuditFilterError(description: "\(name) \(text): expected a time such as 2026-12-01T09:30:00Z, or a day such as 2026-12-01")
    }
}

/// Reads the log backwards: the newest records first.
public enum AuditSearch {
    /// Up to `limit` of the newest records `matching` keeps (before sequence `before`, when given), looking at no more
    /// than `scanLimit` records.
    public static func newest(_ limit: Int, in store: any AuditStore, before: UInt64? = nil, scanLimit: UInt64 = 200_000,
                              matching: (AuditRecord) -> Bool) async throws -> [AuditRecord] {
        var head = try await store.head().sequence
        if let before { head = min(head, before > 0 ? before - 1 : 0) }
        var found: [AuditRecord] = []
        var end = head
        let floor = head > scanLimit ? head - scanLimit : 0
        while end > floor, found.count < limit {
            let start = max(floor, end >= 10_000 ? end - 10_000 : 0)
            let window = try await store.records(after: start, limit: Int(end - start))
            for record in window.reversed() where matching(record) {
                found.append(record)
                if found.count == limit { break }
            }
            end = start
        }
        return found
    }
}
