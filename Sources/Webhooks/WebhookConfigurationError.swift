/// Targets `WebhookDispatcher.configure` refuses whole.
public enum WebhookConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    case duplicateNames([String])

    public var description: String {
        switch self {
        case .duplicateNames(let names): "webhook names must be unique: \(names.joined(separator: ", ")) appear more than once"
        }
    }
}
