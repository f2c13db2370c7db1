extension OSVRecord {
    /// One package the record affects, and which of its versions.
    public struct Affected: Sendable, Hashable, Decodable {
        /// Absent in records that name only a source repository through GIT ranges; such entries match no package.
        public var package: Package?
        /// Severities for this package alone; the schema allows these only when the record has no top-level ones.
        public var severity: [Severity]
        public var ranges: [Range]
        /// Affected versions listed one by one, in the ecosystem's own spelling.
        public var versions: [String]
        /// `ecosystem_specific.severity`, or Debian's `ecosystem_specific.urgency` ("unimportant", "low", …).
        public var ecosystemSeverity: String?

        public init(
            package: Package?, severity: [Severity] = [], ranges: [Range] = [], versions: [String] = [],
            ecosystemSeverity: String? = nil
        ) {
            self.package = package
            self.severity = severity
            self.ranges = ranges
            self.versions = versions
            self.ecosystemSeverity = ecosystemSeverity
        }

        private enum CodingKeys: String, CodingKey {
            case package, severity, ranges, versions
            case ecosystemSpecific = "ecosystem_specific"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            package = try container.decodeIfPresent(Package.self, forKey: .package)
            severity = try container.decodeIfPresent([Severity].self, forKey: .severity) ?? []
            ranges = try container.decodeIfPresent([Range].self, forKey: .ranges) ?? []
            versions = try container.decodeIfPresent([String].self, forKey: .versions) ?? []
            ecosystemSeverity =
                FreeFormObject.string(named: "severity", in: container, forKey: .ecosystemSpecific)
                ?? FreeFormObject.string(named: "urgency", in: container, forKey: .ecosystemSpecific)
        }
    }
}
