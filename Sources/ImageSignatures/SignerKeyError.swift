/// Why a declared signer's trust material was refused: which list, which entry, and what is wrong with it.
public struct SignerKeyError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Field: String, Sendable { case publicKeys, certificates }

    public var field: Field
    /// The entry's position in its list, from 0.
    public var index: Int
    public var reason: String

    public init(field: Field, index: Int, reason: String) {
        self.field = field
        self.index = index
        self.reason = reason
    }

    public var description: String { "\(field.rawValue)[\(index)]: \(reason)" }
}
