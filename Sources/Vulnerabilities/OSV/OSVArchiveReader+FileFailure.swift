extension OSVArchiveReader {
    /// A file of the folder that gave no record, and why ("affected[0].package.name: is missing").
    public struct FileFailure: Error, Sendable, Hashable, CustomStringConvertible {
        public var fileName: String
        public var reason: String

        public init(fileName: String, reason: String) {
            self.fileName = fileName
            self.reason = reason
        }

        public var description: String { "\(fileName): \(reason)" }
    }
}
