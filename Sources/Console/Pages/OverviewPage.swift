public struct OverviewPage: ConsolePage {
    public static let template = "overview"

    public struct Tier: Sendable {
        public var name: String
        public var description: String?
        /// The effective policy, one sentence per concern: "secrets: block at push".
        public var policy: [String]
        public var repositories: Int
        public var images: Int
        public var storage: String

        public init(name: String, description: String?, policy: [String], repositories: Int, images: Int, storage: String) {
            self.name = name
            self.description = description
            self.policy = policy
            self.repositories = repositories
            self.images = images
            self.storage = storage
        }
    }

    public struct Reconciler: Sendable {
        public var commit: String?
        public var author: String?
        public var appliedAt: String?
        public var revision: String?
        public var state: String
        public var drift: [String]

        public init(commit: String?, author: String?, appliedAt: String?, revision: String?, state: String, drift: [String]) {
            self.commit = commit
            self.author = author
            self.appliedAt = appliedAt
            self.revision = revision
            self.state = state
            self.drift = drift
        }
    }

    public struct Chart: Sendable {
        public var title: String
        /// An inline `<svg>` from ``SVGChart``, whose every text is escaped there.
        public var svg: String

        public init(title: String, svg: String) {
            self.title = title
            self.svg = svg
        }
    }

    public var frame: ConsoleFrame
    public var tiers: [Tier]
    public var reconciler: Reconciler?
    public var repositories: Int
    public var images: Int
    public var quarantined: Int
    public var blockedByVulnerabilities: Int
    public var charts: [Chart]

    public init(frame: ConsoleFrame, tiers: [Tier], reconciler: Reconciler?, repositories: Int, images: Int, quarantined: Int,
                blockedByVulnerabilities: Int, charts: [Chart]) {
        self.frame = frame
        self.tiers = tiers
        self.reconciler = reconciler
        self.repositories = repositories
        self.images = images
        self.quarantined = quarantined
        self.blockedByVulnerabilities = blockedByVulnerabilities
        self.charts = charts
    }
}
