/// What scanning one layer blob found.
public struct LayerReport: Sendable, Hashable, Codable {
    public var outcome: LayerOutcome
    /// In archive order, then by line; at most the first 1,000.
    public var findings: [SecretFinding]
    /// Findings past the first 1,000, counted only.
    public var omittedFindings: Int
    /// Archive entries read (headers, of every type).
    public var entries: Int
    /// Decompressed bytes read, through the tar's end-of-archive blocks (not the record padding after them).
    public var expandedBytes: Int64
    /// Paths that `.wh.NAME` entries delete from the layers below.
    public var whiteouts: [String]
    /// Directories whose lower contents a `.wh..wh..opq` entry hides ("" for the root).
    public var opaqueDirectories: [String]

    public init(outcome: LayerOutcome, findings: [SecretFinding] = [], omittedFindings: Int = 0, entries: Int = 0, expandedBytes: Int64 = 0,
                whiteouts: [String] = [], opaqueDirectories: [String] = []) {
        self.outcome = outcome
        self.findings = findings
        self.omittedFindings = omittedFindings
        self.entries = entries
        self.expandedBytes = expandedBytes
        self.whiteouts = whiteouts
        self.opaqueDirectories = opaqueDirectories
    }
}
