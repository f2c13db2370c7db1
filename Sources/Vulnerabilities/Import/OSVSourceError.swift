/// A path given to `OSVSource.read` that cannot be read at all: the import stops, as it would otherwise report a
/// database smaller than the one meant.
public struct OSVSourceError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}
