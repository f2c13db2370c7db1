/// Bounds that keep loading fast and memory-bounded on hostile input.
public struct DeclarationLimits: Sendable, Hashable {
    /// Largest accepted file, in bytes (default 4 MiB).
    public var maxFileBytes: Int
    /// Largest accepted sum of all files, in bytes (default 64 MiB).
    public var maxTotalBytes: Int
    /// Most files loaded from one source (default 20,000).
    public var maxFiles: Int
    /// Deepest nesting of mappings and sequences in a document (default 64).
    public var maxDepth: Int
    /// Most nodes in one document once aliases are expanded (default 250,000).
    public var maxNodesPerDocument: Int
    /// Most nodes in one file once aliases are expanded (default 4,000,000).
    public var maxNodesPerFile: Int

    public init(
        maxFileBytes: Int = 4 << 20,
        maxTotalBytes: Int = 64 << 20,
        maxFiles: Int = 20_000,
        maxDepth: Int = 64,
        maxNodesPerDocument: Int = 250_000,
        maxNodesPerFile: Int = 4_000_000
    ) {
        self.maxFileBytes = maxFileBytes
        self.maxTotalBytes = maxTotalBytes
        self.maxFiles = maxFiles
        self.maxDepth = maxDepth
        self.maxNodesPerDocument = maxNodesPerDocument
        self.maxNodesPerFile = maxNodesPerFile
    }

    public static let `default` = DeclarationLimits()
}
