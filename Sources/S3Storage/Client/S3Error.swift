import Foundation

/// A request S3 refused or that could not be made: the operation, the HTTP status and S3's error code and message.
/// Never holds a request header, so no signature or key can leak through it.
public struct S3Error: Error, Sendable, CustomStringConvertible {
    public let operation: String
    /// Nil when no response came (a connection error).
    public let status: Int?
    /// S3's error code (`NoSuchKey`, `SignatureDoesNotMatch`, …); empty when the answer had none.
    public let code: String
    public let message: String

    public var description: String {
        let status = status.map { " (HTTP \($0))" } ?? ""
        // An answer without a body (every HEAD's) has no code: the status is all S3 said.
        let code = code.isEmpty ? "no S3 error code in the answer" : code
        return message.isEmpty ? "S3 \(operation): \(code)\(status)" : "S3 \(operation): \(code)\(status): \(message)"
    }

    var isNotFound: Bool { status == 404 }

    /// Worth another try: no answer at all, or a server-side failure.
    var isTransient: Bool { status.map { $0 >= 500 || $0 == 429 } ?? true }

    /// From an error response's body (`<Error><Code>…</Code><Message>…</Message></Error>`); HEAD answers have none.
    init(operation: String, status: Int, body: Data) {
        let document = S3XMLElement.parse(body)
        self.init(operation: operation, status: status, code: document?["Code"] ?? "", message: document?["Message"] ?? "")
    }

    init(operation: String, status: Int?, code: String, message: String) {
        self.operation = operation
        self.status = status
        self.code = code
        self.message = message
    }
}
