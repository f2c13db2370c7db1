/// Why a secret rule cannot be compiled.
public struct SecretPatternError: Error, Sendable, Hashable, CustomStringConvertible {
    public var id: String
    public var reason: String

    public init(id: String, reason: String) {
        self.id = id
        self.reason = reason
    }

    public var description: String { "secret pattern \"\(id)\": \(reason)" }
}
