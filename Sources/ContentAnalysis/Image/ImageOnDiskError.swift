/// Why an image on disk cannot be opened.
public struct ImageOnDiskError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
