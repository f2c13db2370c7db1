import AuditRecords
import CSystemCalls
import Foundation
import Storage
import WireFormats

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
    /// than `scanLimit` records. `lines`, when given, must hold for a stored line for its record to be read at all: a
    /// byte test that spares decoding the records a filter would drop (``AuditFilter/mayMatch(line:)``).
    public static func newest(_ limit: Int, in store: any AuditStore, before: UInt64? = nil, scanLimit: UInt64 = 200_000,
                              lines: (([UInt8]) -> Bool)? = nil, matching: (AuditRecord) -> Bool) async throws -> [AuditRecord] {
        var head = try await store.head().sequence
        if let before { head = min(head, before > 0 ? before - 1 : 0) }
        var found: [AuditRecord] = []
        var end = head
        let floor = head > scanLimit ? head - scanLimit : 0
        // Small windows first: the newest page of an unfiltered log is in the last few hundred lines.
        var window = UInt64(min(10_000, max(256, limit * 2)))
        while end > floor, found.count < limit {
            let start = max(floor, end >= window ? end - window : 0)
            for stored in try await store.lines(after: start, limit: Int(end - start)).reversed() where lines?(stored.bytes) ?? true {
                let record: AuditRecord
                do {
                    record = try AuditLine(bytes: stored.bytes).record
                } catch {
                    throw AuditStoreError.unreadable(location: stored.location, reason: "\(error)")
                }
                guard matching(record) else { continue }
                found.append(record)
                if found.count == limit { break }
            }
            end = start
            window = min(10_000, window * 4)
        }
        return found
    }
}

extension AuditFilter {
    /// Whether a stored line can hold a record this filter keeps, from its bytes alone: the canonical encoding writes
    /// `"action":`, `"actor":` and `"repository":` exactly one way, so a line without the filter's values is skipped
    /// without decoding. A line that passes is still decoded and checked with ``matches(_:)``.
    public func mayMatch(line: [UInt8]) -> Bool {
        for needle in needles where !Self.contains(line, needle) { return false }
        if !actions.isEmpty, !actions.contains(where: { line.starts(with: Self.actionPrefix($0)) }) { return false }
        return true
    }

    private var needles: [[UInt8]] {
        var needles: [[UInt8]] = []
        if let actor {
            var needle = Array(#","actor":"#.utf8)
            CanonicalJSONString.write(actor, to: &needle)
            needles.append(needle)
        }
        if let repository {
            var needle = Array(#","repository":"#.utf8)
            CanonicalJSONString.write(repository, to: &needle)
            needle += Array(#","seq":"#.utf8)
            needles.append(needle)
        }
        return needles
    }

    /// `memmem`: the generic collection search costs tens of nanoseconds a byte, and a search reads every line.
    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { pin in berth_memmem(hay.baseAddress, hay.count, pin.baseAddress, pin.count) != nil }
        }
    }

    private static func actionPrefix(_ action: AuditAction) -> [UInt8] {
        var prefix = Array(#"{"action":"#.utf8)
        CanonicalJSONString.write(action.rawValue, to: &prefix)
        return prefix + [UInt8(ascii: ",")]
    }
}
