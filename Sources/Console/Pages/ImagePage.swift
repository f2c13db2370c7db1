public struct ImagePage: ConsolePage {
    public static let template = "image"

    public struct Signature: Sendable {
        public var signer: String
        public var form: String
        public var valid: Bool
        public var reason: String

        public init(signer: String, form: String, valid: Bool, reason: String) {
            self.signer = signer
            self.form = form
            self.valid = valid
            self.reason = reason
        }
    }

    public struct Vulnerability: Sendable {
        public var id: String
        public var severity: String
        public var package: String
        public var installed: String
        public var fixed: String?
        public var summary: String?
        public var blocking: Bool
        /// "suppressed by NAME until DATE: REASON".
        public var exception: String?

        public init(id: String, severity: String, package: String, installed: String, fixed: String?, summary: String?, blocking: Bool,
                    exception: String?) {
            self.id = id
            self.severity = severity
            self.package = package
            self.installed = installed
            self.fixed = fixed
            self.summary = summary
            self.blocking = blocking
            self.exception = exception
        }
    }

    public struct Secret: Sendable {
        public var rule: String
        public var path: String
        public var line: Int
        public var layer: Int
        /// The finding's context with the secret replaced, as the scanner reports it.
        public var preview: String
        public var exception: String?

        public init(rule: String, path: String, line: Int, layer: Int, preview: String, exception: String?) {
            self.rule = rule
            self.path = path
            self.line = line
            self.layer = layer
            self.preview = preview
            self.exception = exception
        }
    }

    public struct Layer: Sendable {
        public var digest: String
        public var mediaType: String
        public var size: String
        /// "scanned", "unscannable: why", "pending", "not scanned (the tier does not scan)".
        public var scan: String

        public init(digest: String, mediaType: String, size: String, scan: String) {
            self.digest = digest
            self.mediaType = mediaType
            self.size = size
            self.scan = scan
        }
    }

    public struct Annotation: Sendable {
        public var key: String
        public var value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    public struct SortLink: Sendable {
        public var label: String
        public var link: String
        public var current: Bool

        public init(label: String, link: String, current: Bool) {
            self.label = label
            self.link = link
            self.current = current
        }
    }

    public var frame: ConsoleFrame
    public var repository: String
    public var repositoryLink: String
    public var digest: String
    public var tags: [String]
    public var mediaType: String
    public var size: String
    public var tier: String?
    /// `released`, `quarantined`, `exempt` or `none` (its repository asks for no verdict).
    public var status: String
    public var statusText: String
    public var reasons: [String]
    public var signatures: [Signature]
    public var signaturesChecked: Bool
    public var vulnerabilities: [Vulnerability]
    public var vulnerabilityStatus: String?
    public var sorts: [SortLink]
    public var secrets: [Secret]
    public var secretStatus: String?
    public var layers: [Layer]
    public var annotations: [Annotation]
    public var sbomLink: String?
    public var retention: String

    public init(frame: ConsoleFrame, repository: String, repositoryLink: String, digest: String, tags: [String], mediaType: String, size: String,
                tier: String?, status: String, statusText: String, reasons: [String], signatures: [Signature], signaturesChecked: Bool,
                vulnerabilities: [Vulnerability], vulnerabilityStatus: String?, sorts: [SortLink], secrets: [Secret], secretStatus: String?,
                layers: [Layer], annotations: [Annotation], sbomLink: String?, retention: String) {
        self.frame = frame
        self.repository = repository
        self.repositoryLink = repositoryLink
        self.digest = digest
        self.tags = tags
        self.mediaType = mediaType
        self.size = size
        self.tier = tier
        self.status = status
        self.statusText = statusText
        self.reasons = reasons
        self.signatures = signatures
        self.signaturesChecked = signaturesChecked
        self.vulnerabilities = vulnerabilities
        self.vulnerabilityStatus = vulnerabilityStatus
        self.sorts = sorts
        self.secrets = secrets
        self.secretStatus = secretStatus
        self.layers = layers
        self.annotations = annotations
        self.sbomLink = sbomLink
        self.retention = retention
    }
}
