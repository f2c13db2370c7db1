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
    /// Bytes of a package database held to list its packages (dpkg `status`, a `status.d` file, apk `installed`):
    /// past it, the file is not read, and the layer's inventory says so. Not a reason to call the layer unscannable.
    public var maxPackageDatabaseBytes: Int
    /// Bytes of any other inventory file held (os-release, METADATA, package.json), and of a Go executable's module
    /// information.
    public var maxInventoryFileBytes: Int

    public static let ratioCheckThreshold: Int64 = 64 << 20

    public init(maxExpandedBytes: Int64 = 8 << 30, maxExpansionRatio: Int = 100, maxEntries: Int = 1_000_000,
                maxPathLength: Int = 4096, maxSymlinkHops: Int = 40, maxPackageDatabaseBytes: Int = 64 << 20,
                maxInventoryFileBytes: Int = 1 << 20) {
        self.maxExpandedBytes = maxExpandedBytes
        self.maxExpansionRatio = maxExpansionRatio
        self.maxEntries = maxEntries
        self.maxPathLength = maxPathLength
        self.maxSymlinkHops = maxSymlinkHops
        self.maxPackageDatabaseBytes = maxPackageDatabaseBytes
        self.maxInventoryFileBytes = maxInventoryFileBytes
    }

    public static let standard = ScanLimits()
}
