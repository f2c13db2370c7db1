/// What every page shows around its content: who is signed in, and the navigation they may use.
public struct ConsoleFrame: Sendable {
    public var title: String
    /// `admin`, `user:alice`; nil on the login page.
    public var identity: String?
    /// Offers revisions and the audit log.
    public var isAdministrator: Bool

    public init(title: String, identity: String?, isAdministrator: Bool) {
        self.title = title
        self.identity = identity
        self.isAdministrator = isAdministrator
    }
}

/// A page: its frame and its content, rendered by the template of the same name (``ConsoleRenderer``).
public protocol ConsolePage: Sendable {
    static var template: String { get }
    var frame: ConsoleFrame { get }
}

/// Page links: the previous and next page of a list, as query strings; nil at either end.
public struct Paging: Sendable {
    public var previous: String?
    public var next: String?
    public var summary: String

    public init(previous: String?, next: String?, summary: String) {
        self.previous = previous
        self.next = next
        self.summary = summary
    }
}
