public struct RepositoriesPage: ConsolePage {
    public static let template = "repositories"

    public struct Row: Sendable {
        public var name: String
        public var link: String
        public var tier: String?
        public var tags: Int
        public var size: String
        public var lastPush: String?

        public init(name: String, link: String, tier: String?, tags: Int, size: String, lastPush: String?) {
            self.name = name
            self.link = link
            self.tier = tier
            self.tags = tags
            self.size = size
            self.lastPush = lastPush
        }
    }

    public var frame: ConsoleFrame
    public var query: String
    public var rows: [Row]
    public var paging: Paging

    public init(frame: ConsoleFrame, query: String, rows: [Row], paging: Paging) {
        self.frame = frame
        self.query = query
        self.rows = rows
        self.paging = paging
    }
}

public struct RepositoryPage: ConsolePage {
    public static let template = "repository"

    public struct TagRow: Sendable {
        public var tag: String
        public var digest: String
        public var shortDigest: String
        public var link: String
        public var size: String
        public var pushed: String?
        public var pulled: String?
        /// `released`, `quarantined`, `exempt` or `none`: also the cell's class.
        public var verdict: String

        public init(tag: String, digest: String, link: String, size: String, pushed: String?, pulled: String?, verdict: String) {
            self.tag = tag
            self.digest = digest
            shortDigest = String(digest.prefix(19))
            self.link = link
            self.size = size
            self.pushed = pushed
            self.pulled = pulled
            self.verdict = verdict
        }
    }

    public var frame: ConsoleFrame
    public var name: String
    public var tier: String?
    public var description: String?
    public var size: String
    public var tags: [TagRow]
    public var paging: Paging

    public init(frame: ConsoleFrame, name: String, tier: String?, description: String?, size: String, tags: [TagRow], paging: Paging) {
        self.frame = frame
        self.name = name
        self.tier = tier
        self.description = description
        self.size = size
        self.tags = tags
        self.paging = paging
    }
}
