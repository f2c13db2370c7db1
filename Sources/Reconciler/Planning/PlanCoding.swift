import Declarations
import Foundation

/// Why data could not be read as a saved plan.
public enum PlanDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not JSON at all.
    case notJSON(String)
    /// JSON, but not a Berth plan (no `formatVersion`, or not an object).
    case notAPlan(String)
    /// A plan written by another version of Berth.
    case unsupportedFormatVersion(found: Int, supported: Int)
    /// A plan of the right version whose content is wrong: `path` is where.
    case invalid(path: String, reason: String)

    public var description: String {
        switch self {
        case .notJSON(let detail):
            return "not a plan: the file is not JSON (\(detail))"
        case .notAPlan(let detail):
            return "not a plan: \(detail); expected a file written by 'berth plan --out'"
        case .unsupportedFormatVersion(let found, let supported):
            return "unsupported plan format version \(found); this berth reads version \(supported). Make the plan again with this version of berth"
        case .invalid(let path, let reason):
            return "invalid plan: \(path.isEmpty ? "" : "\(path): ")\(reason)"
        }
    }
}

extension Plan: Codable {
    private enum CodingKeys: String, CodingKey {
        case formatVersion, createdAt, source, liveFingerprint, desiredFingerprint, changes, summary, consequences, quotaWarnings, retention, expiringExceptions, unmatchedExceptions
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try c.decode(Int.self, forKey: .formatVersion)
        let text = try c.decode(String.self, forKey: .createdAt)
        guard let date = Plan.parseTimestamp(text) else {
            throw DecodingError.dataCorruptedError(forKey: .createdAt, in: c,
                debugDescription: "expected an RFC 3339 UTC timestamp such as 2026-06-01T12:00:00Z, found \"\(text)\"")
        }
        createdAt = date
        source = try c.decode(PlanSource.self, forKey: .source)
        liveFingerprint = try c.decode(String.self, forKey: .liveFingerprint)
        desiredFingerprint = try c.decode(String.self, forKey: .desiredFingerprint)
        changes = try c.decode([Change].self, forKey: .changes)
        summary = try c.decode(PlanSummary.self, forKey: .summary)
        consequences = try c.decodeIfPresent([ImageConsequence].self, forKey: .consequences) ?? []
        quotaWarnings = try c.decodeIfPresent([QuotaWarning].self, forKey: .quotaWarnings) ?? []
        retention = try c.decodeIfPresent([RetentionConsequence].self, forKey: .retention) ?? []
        expiringExceptions = try c.decodeIfPresent([ExpiringException].self, forKey: .expiringExceptions) ?? []
        unmatchedExceptions = try c.decodeIfPresent([UnmatchedException].self, forKey: .unmatchedExceptions) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(formatVersion, forKey: .formatVersion)
        try c.encode(Plan.timestamp(createdAt), forKey: .createdAt)
        try c.encode(source, forKey: .source)
        try c.encode(liveFingerprint, forKey: .liveFingerprint)
        try c.encode(desiredFingerprint, forKey: .desiredFingerprint)
        try c.encode(changes, forKey: .changes)
        try c.encode(summary, forKey: .summary)
        if !consequences.isEmpty { try c.encode(consequences, forKey: .consequences) }
        if !quotaWarnings.isEmpty { try c.encode(quotaWarnings, forKey: .quotaWarnings) }
        if !retention.isEmpty { try c.encode(retention, forKey: .retention) }
        if !expiringExceptions.isEmpty { try c.encode(expiringExceptions, forKey: .expiringExceptions) }
        if !unmatchedExceptions.isEmpty { try c.encode(unmatchedExceptions, forKey: .unmatchedExceptions) }
    }

    /// `2026-06-01T12:00:00Z` (UTC, whole seconds).
    public static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
    }

    static func parseTimestamp(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    // MARK: Saving and loading

    /// The saved form: pretty-printed JSON with sorted keys and a final
    /// newline. Stable: the same plan always encodes to the same bytes.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Every value is encodable; a failure here is a programming error.
        var data = try! encoder.encode(self)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// Reads a saved plan, checking its format version first and then that
    /// it is consistent (summary, actions and objects agree).
    public static func decode(_ data: Data) throws(PlanDecodingError) -> Plan {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw .notJSON(Plan.describe(error))
        }
        guard root is [String: Any] else { throw .notAPlan("the JSON is not an object") }
        let probe = try? JSONDecoder().decode(VersionProbe.self, from: data)
        guard let probe, probe.present else { throw .notAPlan("it has no formatVersion field") }
        guard let found = probe.version else { throw .notAPlan("its formatVersion is not an integer") }
        guard found == Plan.formatVersion else {
            throw .unsupportedFormatVersion(found: found, supported: Plan.formatVersion)
        }
        let plan: Plan
        do {
            plan = try JSONDecoder().decode(Plan.self, from: data)
        } catch let error as DecodingError {
            throw Plan.invalid(error)
        } catch {
            throw .invalid(path: "", reason: Plan.describe(error))
        }
        try plan.checkConsistency()
        return plan
    }

    /// Reads only `formatVersion`, tolerating anything else.
    private struct VersionProbe: Decodable {
        var present: Bool
        var version: Int?

        private enum CodingKeys: String, CodingKey { case formatVersion }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            present = c.contains(.formatVersion) && !((try? c.decodeNil(forKey: .formatVersion)) ?? false)
            version = try? c.decode(Int.self, forKey: .formatVersion)
        }
    }

    private func checkConsistency() throws(PlanDecodingError) {
        for (index, change) in changes.enumerated() {
            let path = "changes[\(index)]"
            switch change.action {
            case .create, .update:
                guard let after = change.after else {
                    throw .invalid(path: "\(path).after", reason: "\(change.action == .create ? "a create" : "an update") must carry the object to write")
                }
                guard after.kind == change.kind, after.name == change.name else {
                    throw .invalid(path: "\(path).after", reason: "the object is \(after.id), not \(change.id)")
                }
            case .delete:
                guard change.after == nil else {
                    throw .invalid(path: "\(path).after", reason: "a delete carries no object")
                }
            }
        }
        let counted = PlanSummary(changes)
        guard counted == summary else {
            throw .invalid(path: "summary", reason: "does not match the changes (they count \(counted.create) to create, \(counted.update) to update, \(counted.delete) to delete, \(counted.destructive) destructive)")
        }
    }

    private static func describe(_ error: any Error) -> String {
        (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
    }

    private static func invalid(_ error: DecodingError) -> PlanDecodingError {
        func path(_ context: DecodingError.Context) -> String {
            var text = ""
            for key in context.codingPath {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return text
        }
        switch error {
        case .keyNotFound(let key, let context):
            let base = path(context)
            return .invalid(path: base.isEmpty ? key.stringValue : "\(base).\(key.stringValue)", reason: "missing required field")
        case .typeMismatch(let type, let context):
            return .invalid(path: path(context), reason: "expected \(type): \(context.debugDescription)")
        case .valueNotFound(let type, let context):
            return .invalid(path: path(context), reason: "expected \(type), found null")
        case .dataCorrupted(let context):
            return .invalid(path: path(context), reason: context.debugDescription)
        @unknown default:
            return .invalid(path: "", reason: "\(error)")
        }
    }
}
