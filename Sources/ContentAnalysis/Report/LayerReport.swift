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
    /// The installed software the layer's own files list. Nil when the engine read no inventories: turned off, or a
    /// report stored by an engine before content-analysis/3 (absent from its JSON). A layer unscannable before its
    /// first entry has an empty one.
    public var inventory: LayerInventory?

    public init(outcome: LayerOutcome, findings: [SecretFinding] = [], omittedFindings: Int = 0, entries: Int = 0, expandedBytes: Int64 = 0,
                whiteouts: [String] = [], opaqueDirectories: [String] = [], inventory: LayerInventory? = nil) {
        self.outcome = outcome
        self.findings = findings
        self.omittedFindings = omittedFindings
        self.entries = entries
        self.expandedBytes = expandedBytes
        self.whiteouts = whiteouts
        self.opaqueDirectories = opaqueDirectories
        self.inventory = inventory
    }
}
