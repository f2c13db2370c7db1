public struct RevisionsPage: ConsolePage {
    public static let template = "revisions"

    public struct Revision: Sendable {
        public var number: Int64
        public var link: String
        public var appliedAt: String
        public var actor: String
        public var commit: String?
        public var author: String?
        public var changes: Int
        public var summary: String

        public init(number: Int64, link: String, appliedAt: String, actor: String, commit: String?, author: String?, changes: Int, summary: String) {
            self.number = number
            self.link = link
            self.appliedAt = appliedAt
            self.actor = actor
            self.commit = commit
            self.author = author
            self.changes = changes
            self.summary = summary
        }
    }

    public struct Drift: Sendable {
        public var time: String
        /// `drift-detect` or `drift-revert`.
        public var action: String
        public var objects: String
        public var detail: String

        public init(time: String, action: String, objects: String, detail: String) {
            self.time = time
            self.action = action
            self.objects = objects
            self.detail = detail
        }
    }

    public var frame: ConsoleFrame
    public var revisions: [Revision]
    public var drift: [Drift]

    public init(frame: ConsoleFrame, revisions: [Revision], drift: [Drift]) {
        self.frame = frame
        self.revisions = revisions
        self.drift = drift
    }
}

public struct RevisionPage: ConsolePage {
    public static let template = "revision"
    public var frame: ConsoleFrame
    public var revision: RevisionsPage.Revision
    /// The plan as rendered for review when it was applied; nil for a revision applied before plans were kept.
    public var plan: String?

    public init(frame: ConsoleFrame, revision: RevisionsPage.Revision, plan: String?) {
        self.frame = frame
        self.revision = revision
        self.plan = plan
    }
}

public struct AuditPage: ConsolePage {
    public static let template = "audit"

    public struct Record: Sendable {
        public var sequence: UInt64
        public var time: String
        public var actor: String
        public var action: String
        public var outcome: String
        public var repository: String?
        public var object: String?
        public var details: String

        public init(sequence: UInt64, time: String, actor: String, action: String, outcome: String, repository: String?, object: String?,
                    details: String) {
            self.sequence = sequence
            self.time = time
            self.actor = actor
            self.action = action
            self.outcome = outcome
            self.repository = repository
            self.object = object
            self.details = details
        }
    }

    public struct Filter: Sendable {
        public var repository: String
        public var actor: String
        public var action: String
        public var from: String
        public var until: String

        public init(repository: String, actor: String, action: String, from: String, until: String) {
            self.repository = repository
            self.actor = actor
            self.action = action
            self.from = from
            self.until = until
        }
    }

    public var frame: ConsoleFrame
    public var filter: Filter
    public var actions: [String]
    public var records: [Record]
    public var chain: String
    public var chainIntact: Bool
    public var error: String?
    public var paging: Paging

    public init(frame: ConsoleFrame, filter: Filter, actions: [String], records: [Record], chain: String, chainIntact: Bool, error: String?,
                paging: Paging) {
        self.frame = frame
        self.filter = filter
        self.actions = actions
        self.records = records
        self.chain = chain
        self.chainIntact = chainIntact
        self.error = error
        self.paging = paging
    }
}
