extension OSVRecord {
    /// How a range's event versions are to be ordered.
    public enum RangeType: Sendable, Hashable, Codable {
        /// The package ecosystem's own ordering (dpkg, apk, PEP 440, …).
        case ecosystem
        /// SemVer 2.0 precedence.
        case semver
        /// Commit hashes, ordered by the repository's history, which an offline matcher does not have.
        case git
        /// A type this model does not know, kept so that it is not mistaken for a known one.
        case unknown(String)

        public init(from decoder: any Decoder) throws {
            switch try decoder.singleValueContainer().decode(String.self) {
            case "ECOSYSTEM": self = .ecosystem
            case "SEMVER": self = .semver
            case "GIT": self = .git
            case let other: self = .unknown(other)
            }
        }

        /// The schema's spelling, so that a stored advisory reads back as its record wrote it.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .ecosystem: try container.encode("ECOSYSTEM")
            case .semver: try container.encode("SEMVER")
            case .git: try container.encode("GIT")
            case .unknown(let other): try container.encode(other)
            }
        }
    }
}
