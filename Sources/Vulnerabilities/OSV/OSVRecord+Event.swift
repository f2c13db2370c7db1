extension OSVRecord {
    /// One point of a range's timeline. Each event object in the record holds exactly one of these.
    public enum Event: Sendable, Hashable, Codable {
        /// Affected from this version on; "0" means from the first version.
        case introduced(String)
        /// Not affected from this version on.
        case fixed(String)
        /// The last affected version, itself affected.
        case lastAffected(String)
        /// Nothing at or above this version is in the range; a version containing "*" means no limit.
        case limit(String)

        public var version: String {
            switch self {
            case .introduced(let version), .fixed(let version), .lastAffected(let version), .limit(let version): version
            }
        }

        private enum CodingKeys: String, CodingKey, CaseIterable {
            case introduced, fixed
            case lastAffected = "last_affected"
            case limit
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let present = CodingKeys.allCases.filter { container.contains($0) }
            guard present.count == 1, let key = present.first else {
                let found = present.isEmpty ? "none" : present.map(\.stringValue).joined(separator: ", ")
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(
                        codingPath: container.codingPath,
                        debugDescription: "an event holds exactly one of introduced, fixed, last_affected, limit; found \(found)"))
            }
            let version = try container.decode(String.self, forKey: key)
            switch key {
            case .introduced: self = .introduced(version)
            case .fixed: self = .fixed(version)
            case .lastAffected: self = .lastAffected(version)
            case .limit: self = .limit(version)
            }
        }

        /// The schema's form, one key naming the kind.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            let key: CodingKeys =
                switch self {
                case .introduced: .introduced
                case .fixed: .fixed
                case .lastAffected: .lastAffected
                case .limit: .limit
                }
            try container.encode(version, forKey: key)
        }
    }
}
