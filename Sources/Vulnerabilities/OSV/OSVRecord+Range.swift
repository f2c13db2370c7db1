extension OSVRecord {
    /// A timeline of events over one kind of version: where the vulnerability starts and stops.
    public struct Range: Sendable, Hashable, Codable {
        public var type: RangeType
        /// In the order the record gives; evaluation sorts them by version, as the schema does not require order.
        public var events: [Event]

        public init(type: RangeType, events: [Event]) {
            self.type = type
            self.events = events
        }
    }
}
