import Foundation
import Lifecycle
import Reconciler

extension AdminWire {
    /// `POST /admin/v1/consequences`: the change set a plan would apply.
    public struct ConsequencesRequest: Codable, Sendable {
        public var changes: [Change]

        public init(changes: [Change]) { self.changes = changes }
    }

    /// The answer of `POST /admin/v1/consequences`.
    public struct Consequences: Codable, Sendable {
        public var consequences: [ImageConsequence]
        public var quotaWarnings: [QuotaWarning]
        public var retention: [RetentionConsequence]
        /// Absent from servers before it existed.
        public var unmatchedExceptions: [UnmatchedException]?

        public init(_ consequences: PlanConsequences) {
            self.consequences = consequences.images
            self.quotaWarnings = consequences.quotas
            self.retention = consequences.retention
            self.unmatchedExceptions = consequences.unmatchedExceptions
        }

        public var planConsequences: PlanConsequences {
            PlanConsequences(images: consequences, quotas: quotaWarnings, retention: retention, unmatchedExceptions: unmatchedExceptions ?? [])
        }
    }

    /// `GET /admin/v1/retention/runs`: the recent runs in numbers, newest first.
    public struct RetentionRuns: Codable, Sendable {
        public var runs: [RetentionRunSummary]

        public init(runs: [RetentionRunSummary]) { self.runs = runs }
    }

    /// `GET /admin/v1/usage`: every repository that uses storage or has a quota.
    public struct Usage: Codable, Sendable, Hashable {
        public struct Repository: Codable, Sendable, Hashable {
            public var repository: String
            /// The total size of the distinct blobs its manifests reference.
            public var usedBytes: Int64
            public var quotaBytes: Int64?
            /// The quota as declared (`50GiB`) and where (`tier confidential`); null without a quota.
            public var quota: String?
            public var quotaSource: String?

            public init(repository: String, usedBytes: Int64, quotaBytes: Int64?, quota: String?, quotaSource: String?) {
                self.repository = repository
                self.usedBytes = usedBytes
                self.quotaBytes = quotaBytes
                self.quota = quota
                self.quotaSource = quotaSource
            }
        }

        public var repositories: [Repository]

        public init(repositories: [Repository]) { self.repositories = repositories }
    }

    /// `GET /admin/v1/verdicts?repository=&reference=`: one manifest's verdict (spec/signatures.md).
    public struct Verdict: Codable, Sendable, Hashable {
        public var repository: String
        public var digest: String
        /// The tier whose requirements apply; null when no Repository declaration governs the repository.
        public var tier: String?
        public var released: Bool
        /// `released`, `quarantined`, or `exempt` (a signature manifest, never quarantined).
        public var status: String
        public var reasons: [String]
        public var releasedUntil: String?
        public var signatures: [Signature]
        /// The secret scan of its layers; null where the tier does not scan for secrets.
        public var scan: Scan?
        /// Its packages' vulnerabilities; null where the tier does not check them.
        public var vulnerabilities: Vulnerabilities?
        /// Withheld by a tier that blocks its vulnerabilities at pull: only the repository's admins may read it.
        public var readableByAdminsOnly: Bool?

        public init(repository: String, digest: String, tier: String?, released: Bool, status: String, reasons: [String],
                    releasedUntil: String?, signatures: [Signature], scan: Scan? = nil, vulnerabilities: Vulnerabilities? = nil,
                    readableByAdminsOnly: Bool? = nil) {
            self.repository = repository
            self.digest = digest
            self.tier = tier
            self.released = released
            self.status = status
            self.reasons = reasons
            self.releasedUntil = releasedUntil
            self.signatures = signatures
            self.scan = scan
            self.vulnerabilities = vulnerabilities
            self.readableByAdminsOnly = readableByAdminsOnly
        }
    }

    /// One signature found for the manifest.
    public struct Signature: Codable, Sendable, Hashable {
        /// `cosign`, `cosign-referrer`, `sigstore-bundle` or `notation`.
        public var form: String
        /// The signature manifest's digest.
        public var artifact: String
        /// The Signer whose key verified it; null when none did.
        public var signer: String?
        public var keyFingerprint: String?
        public var valid: Bool
        /// `valid`, `bad-signature`, `unverified`, `undeclared-key`, `wrong-digest`, `replayed`, `expired-certificate`,
        /// `not-a-signature` or `malformed`.
        public var outcome: String
        public var reason: String

        public init(form: String, artifact: String, signer: String?, keyFingerprint: String?, valid: Bool, outcome: String, reason: String) {
            self.form = form
            self.artifact = artifact
            self.signer = signer
            self.keyFingerprint = keyFingerprint
            self.valid = valid
            self.outcome = outcome
            self.reason = reason
        }
    }
}

extension AdminWire.Verdict {
    /// The verdict as `berth verdict` prints it.
    public var text: String {
        var out = "\(repository)@\(digest)\n"
        out += "  tier:     \(tier ?? "none")\n"
        out += "  status:   \(status)\(releasedUntil.map { " until \($0)" } ?? "")\n"
        for reason in reasons { out += "  reason:   \(reason)\n" }
        if signatures.isEmpty { out += "  signatures: none found\n" }
        for signature in signatures {
            out += "  signature \(signature.artifact) (\(signature.form)): \(signature.valid ? "valid" : signature.outcome)"
            if let signer = signature.signer { out += ", signer \(signer)" }
            if let key = signature.keyFingerprint { out += ", key \(key)" }
            out += "\n      \(signature.reason)\n"
        }
        if let scan { out += scan.text }
        if let vulnerabilities { out += vulnerabilities.text }
        if readableByAdminsOnly == true { out += "  readable only by the repository's admins: its tier blocks its vulnerabilities at pull\n" }
        return out
    }
}
