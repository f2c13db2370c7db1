public struct LoginPage: ConsolePage {
    public static let template = "login"
    public var frame: ConsoleFrame
    /// Where to go after signing in: a path under `/ui/`.
    public var next: String
    public var name: String
    public var error: String?

    public init(next: String, name: String = "", error: String? = nil) {
        frame = ConsoleFrame(title: "Sign in", identity: nil, isAdministrator: false)
        self.next = next
        self.name = name
        self.error = error
    }
}

/// A page that says something is not there (404), or not allowed (403), in words.
public struct MessagePage: ConsolePage {
    public static let template = "message"
    public var frame: ConsoleFrame
    public var message: String

    public init(frame: ConsoleFrame, message: String) {
        self.frame = frame
        self.message = message
    }
}
