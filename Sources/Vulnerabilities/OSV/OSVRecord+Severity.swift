extension OSVRecord {
    /// A severity as the record states it: a scoring system and its score, e.g. "CVSS_V3" with a vector string, or
    /// "Ubuntu" with a priority word.
    public struct Severity: Sendable, Hashable, Decodable {
        public var type: String
        public var score: String

        public init(type: String, score: String) {
            self.type = type
            self.score = score
        }
    }
}
