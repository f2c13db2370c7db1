/// Why a record did not decode, with the path of the offending field ("affected[0].ranges[1].events[2]"), so a
/// broken record in a database of thousands can be found and reported.
public struct OSVRecordError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Dotted keys and [index] subscripts from the top of the record; empty when the document itself is at fault.
    public var fieldPath: String
    public var problem: String

    public init(fieldPath: String, problem: String) {
        self.fieldPath = fieldPath
        self.problem = problem
    }

    init(_ error: DecodingError) {
        switch error {
        case .keyNotFound(let key, let context):
            self.init(fieldPath: Self.path(context.codingPath + [key]), problem: "is missing")
        case .valueNotFound(let type, let context):
            self.init(fieldPath: Self.path(context.codingPath), problem: "is null where \(type) was expected")
        case .typeMismatch(let type, let context):
            self.init(fieldPath: Self.path(context.codingPath), problem: "is not of the expected type \(type)")
        case .dataCorrupted(let context):
            self.init(fieldPath: Self.path(context.codingPath), problem: Self.problem(context))
        @unknown default:
            self.init(fieldPath: "", problem: "\(error)")
        }
    }

    public var description: String {
        fieldPath.isEmpty ? "the record: \(problem)" : "\(fieldPath): \(problem)"
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        var path = ""
        for key in keys {
            if let index = key.intValue {
                path += "[\(index)]"
            } else {
                path += path.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return path
    }

    /// Foundation words invalid JSON as "The given data was not valid JSON." and buries the reason in the underlying
    /// error; the reason is what a reader needs.
    private static func problem(_ context: DecodingError.Context) -> String {
        guard let underlying = context.underlyingError else { return context.debugDescription }
        return "\(context.debugDescription) (\(underlying))"
    }
}
