/// Who a request is made by, once authenticated.
public enum Principal: Sendable, Hashable, CustomStringConvertible {
    /// The bootstrap administrator, whose password comes from the server's command line or environment.
    case administrator
    case user(String)
    case robot(String)
    case anonymous

    /// The login name robots use with HTTP Basic, as Harbor users know it: `robot$NAME`.
    public static let robotLoginPrefix = "robot$"
    public static let administratorLogin = "admin"

    /// The subject written into tokens and security events.
    public var description: String {
        switch self {
        case .administrator: "admin"
        case .user(let name): "user:\(name)"
        case .robot(let name): "robot:\(name)"
        case .anonymous: "anonymous"
        }
    }

    /// Reads back a token subject written by `description`.
    public init?(subject: String) {
        if subject == "admin" {
            self = .administrator
        } else if subject == "anonymous" {
            self = .anonymous
        } else if subject.hasPrefix("user:"), subject.count > 5 {
            self = .user(String(subject.dropFirst(5)))
        } else if subject.hasPrefix("robot:"), subject.count > 6 {
            self = .robot(String(subject.dropFirst(6)))
        } else {
            return nil
        }
    }

    /// What a login name presented with HTTP Basic refers to.
    public init(login: String) {
        if login == Self.administratorLogin {
            self = .administrator
        } else if login.hasPrefix(Self.robotLoginPrefix) {
            self = .robot(String(login.dropFirst(Self.robotLoginPrefix.count)))
        } else {
            self = .user(login)
        }
    }
}
