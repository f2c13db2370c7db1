import Foundation

extension AdminWire {
    /// A verdict's `vulnerabilities` section: its packages' findings against the vulnerability database
    /// (spec/vulnerabilities.md).
    public struct Vulnerabilities: Codable, Sendable, Hashable {
        /// `pending`, `scanned` or `unscannable`.
        public var status: String
        /// Why it is unscannable; null otherwise.
        public var reason: String?
        /// The database import the findings come from; null before the first import.
        public var databaseVersion: Int?
        /// Packages in the image's final filesystem.
        public var packages: Int
        /// Worst first.
        public var findings: [Vulnerability]

        public init(status: String, reason: String?, databaseVersion: Int?, packages: Int, findings: [Vulnerability]) {
            self.status = status
            self.reason = reason
            self.databaseVersion = databaseVersion
            self.packages = packages
            self.findings = findings
        }
    }

    /// One vulnerability of one package of the image.
    public struct Vulnerability: Codable, Sendable, Hashable {
        public var id: String
        public var aliases: [String]
        public var summary: String?
        public var package: String
        public var ecosystem: String
        public var sourcePackage: String?
        public var installed: String
        public var fixed: String?
        /// `critical`, `high`, `medium`, `low`, or null when the database states none.
        public var severity: String?
        public var score: Double?
        public var vector: String?
        /// 1-based, as the image lists its layers.
        public var layer: Int
        public var layerDigest: String
        public var path: String
        /// The installed version or a range could not be ordered: reported as affecting.
        public var undetermined: Bool
        /// Whether it counts against the tier: at or above its threshold, and not suppressed.
        public var blocking: Bool
        public var suppressedBy: Suppression?

        public init(id: String, aliases: [String], summary: String?, package: String, ecosystem: String, sourcePackage: String?,
                    installed: String, fixed: String?, severity: String?, score: Double?, vector: String?, layer: Int, layerDigest: String,
                    path: String, undetermined: Bool, blocking: Bool, suppressedBy: Suppression?) {
            self.id = id
            self.aliases = aliases
            self.summary = summary
            self.package = package
            self.ecosystem = ecosystem
            self.sourcePackage = sourcePackage
            self.installed = installed
            self.fixed = fixed
            self.severity = severity
            self.score = score
            self.vector = vector
            self.layer = layer
            self.layerDigest = layerDigest
            self.path = path
            self.undetermined = undetermined
            self.blocking = blocking
            self.suppressedBy = suppressedBy
        }
    }

    /// The VulnerabilityException that suppresses a finding.
    public struct Suppression: Codable, Sendable, Hashable {
        public var exception: String
        public var reason: String
        /// The declared date; it stops suppressing at its start (UTC).
        public var expires: String

        public init(exception: String, reason: String, expires: String) {
            self.exception = exception
            self.reason = reason
            self.expires = expires
        }
    }
}

extension AdminWire.Vulnerabilities {
    /// The findings as `berth verdict` prints them.
    public var text: String {
        var out = "  vulnerabilities: \(status)\(reason.map { ": \($0)" } ?? "")"
        out += " (\(packages) package\(packages == 1 ? "" : "s"), database \(databaseVersion.map { "version \($0)" } ?? "not imported"))\n"
        for finding in findings {
            out += "  \(finding.blocking ? "!" : "-") \(finding.id)"
            let aliases = finding.aliases.filter { $0 != finding.id }
            if !aliases.isEmpty { out += " (\(aliases.prefix(3).joined(separator: ", ")))" }
            out += " \(finding.severity ?? "unknown")\(finding.score.map { " \(String(format: "%.1f", $0))" } ?? "")"
            out += ": \(finding.package) \(finding.installed)"
            if let source = finding.sourcePackage, source != finding.package { out += " (source \(source))" }
            out += finding.fixed.map { ", fixed in \($0)" } ?? ", no fix"
            out += " [\(finding.ecosystem), layer \(finding.layer), \(finding.path)]"
            if let suppression = finding.suppressedBy {
                out += ", suppressed by VulnerabilityException \(suppression.exception) until \(suppression.expires): \(suppression.reason)"
            }
            out += "\n"
        }
        return out
    }
}
