import Foundation

/// One vulnerability record in the OSV format (https://ossf.github.io/osv-schema/), as read from an offline database.
/// Only the fields matching needs are kept; every other field, known or not, is ignored, so newer schema versions
/// still decode.
public struct OSVRecord: Sendable, Hashable, Decodable {
    /// "GHSA-…", "CVE-…", "DSA-…", "ALPINE-…": the database's own identifier.
    public var id: String
    /// Other identifiers of the same vulnerability, usually the CVE.
    public var aliases: [String]
    /// The vulnerabilities a distribution's advisory is derived from: a DSA's or a DEBIAN-CVE record's CVEs (schema
    /// 1.7), where older records wrote them as aliases.
    public var upstream: [String]
    public var modified: Date?
    /// Set when the database retracted the record; a withdrawn record should not be reported.
    public var withdrawn: Date?
    public var summary: String?
    /// Severities that hold for every affected package.
    public var severity: [Severity]
    public var affected: [Affected]
    /// `database_specific.severity` when it is a string, such as GitHub's "MODERATE": a word, not a score.
    public var databaseSeverity: String?

    public init(
        id: String, aliases: [String] = [], upstream: [String] = [], modified: Date? = nil, withdrawn: Date? = nil, summary: String? = nil,
        severity: [Severity] = [], affected: [Affected] = [], databaseSeverity: String? = nil
    ) {
        self.id = id
        self.aliases = aliases
        self.upstream = upstream
        self.modified = modified
        self.withdrawn = withdrawn
        self.summary = summary
        self.severity = severity
        self.affected = affected
        self.databaseSeverity = databaseSeverity
    }

    /// Decodes one record from JSON, turning the decoder's error into one that names the field.
    public static func decode(_ data: Data) throws(OSVRecordError) -> OSVRecord {
        do {
            return try JSONDecoder().decode(OSVRecord.self, from: data)
        } catch let error as DecodingError {
            throw OSVRecordError(error)
        } catch {
            throw OSVRecordError(fieldPath: "", problem: "\(error)")
        }
    }

    private enum CodingKeys: String, CodingKey {
        case id, aliases, upstream, modified, withdrawn, summary, severity, affected
        case databaseSpecific = "database_specific"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        aliases = try container.decodeIfPresent([String].self, forKey: .aliases) ?? []
        upstream = try container.decodeIfPresent([String].self, forKey: .upstream) ?? []
        modified = try RFC3339Date.decodeIfPresent(from: container, forKey: .modified)
        withdrawn = try RFC3339Date.decodeIfPresent(from: container, forKey: .withdrawn)
        summary = try container.decodeIfPresent(String.self, forKey: .summary)
        severity = try container.decodeIfPresent([Severity].self, forKey: .severity) ?? []
        affected = try container.decodeIfPresent([Affected].self, forKey: .affected) ?? []
        databaseSeverity = FreeFormObject.string(named: "severity", in: container, forKey: .databaseSpecific)
    }
}
