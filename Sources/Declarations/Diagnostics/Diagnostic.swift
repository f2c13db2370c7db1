/// One problem found while loading or validating declarations.
///
/// `description` renders `file:line:column: message` (warnings get a
/// `warning: ` prefix before the message), the format editors and CI
/// annotations understand.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Comparable {
        case warning
        case error

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            lhs == .warning && rhs == .error
        }
    }

    public var location: SourceLocation
    public var severity: Severity
    public var message: String

    public init(location: SourceLocation, severity: Severity = .error, message: String) {
        self.location = location
        self.severity = severity
        self.message = message
    }

    public var file: String { location.file }
    public var line: Int { location.line }
    public var column: Int { location.column }

    public var description: String {
        switch severity {
        case .error: return "\(location): \(message)"
        case .warning: return "\(location): warning: \(message)"
        }
    }
}
