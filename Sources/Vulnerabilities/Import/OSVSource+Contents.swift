extension OSVSource {
    /// What the paths held: the records that decoded, and the files and zip entries that did not.
    public struct Contents: Sendable, Hashable {
        public var records: [OSVRecord]
        public var failures: [FileFailure]

        public init(records: [OSVRecord], failures: [FileFailure]) {
            self.records = records
            self.failures = failures
        }
    }
}
