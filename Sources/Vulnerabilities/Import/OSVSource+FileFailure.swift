extension OSVSource {
    /// A file or zip entry that gave no record (its path; a zip entry as "ZIP!/ENTRY"), and why
    /// ("affected[0].package.name: is missing").
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
