/// An admin API failure, answered as `{"errors":[{"code","message"}]}` like the registry's own errors.
public struct AdminAPIError: Error, Sendable, CustomStringConvertible {
    public var status: Int
    public var code: String
    public var message: String
    public var description: String { message }

    public init(status: Int, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public static func invalid(_ message: String) -> Self { .init(status: 400, code: "INVALID", message: message) }
    public static let unauthorized = Self(status: 401, code: "UNAUTHORIZED", message: "admin credentials required")

    /// The error body's shape.
    public struct Body: Codable, Sendable {
        public struct Entry: Codable, Sendable {
            public var code: String
            public var message: String
        }

        public var errors: [Entry]

        public init(_ error: AdminAPIError) {
            errors = [Entry(code: error.code, message: error.message)]
        }
    }
}
