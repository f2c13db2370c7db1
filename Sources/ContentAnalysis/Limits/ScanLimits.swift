/// How far one layer may go before the scan stops and calls it unscannable: a registry reads layers pushed by anyone,
/// so decompression bombs, entry floods, giant paths and symlink loops must cost bounded time and memory.
public struct ScanLimits: Sendable, Hashable {
    /// Total decompressed bytes of one layer.
    public var maxExpandedBytes: Int64
    /// Decompressed bytes per compressed byte, checked once more than `ratioCheckThreshold` bytes have expanded, so
    /// small, highly compressible layers (empty files, text) never trip it.
    public var maxExpansionRatio: Int
    public var maxEntries: Int
    /// Bytes of one entry's path.
    public var maxPathLength: Int
    /// Links followed while resolving one symlink or hardlink before it counts as a loop.
    public var maxSymlinkHops: Int

    public static let ratioCheckThreshold: Int64 = 64 << 20

    public init(maxExpandedBytes: Int64 = 8 << 30, maxExpansionRatio: Int = 100, maxEntries: Int = 1_000_000,
                maxPathLength: Int = 4096, maxSymlinkHops: Int = 40) {
        self.maxExpandedBytes = maxExpandedBytes
        self.maxExpansionRatio = maxExpansionRatio
        self.maxEntries = maxEntries
        self.maxPathLength = maxPathLength
        self.maxSymlinkHops = maxSymlinkHops
    }

    public static let standard = ScanLimits()
}
