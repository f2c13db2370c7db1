/// What one layer says about installed software, read in the same pass as the secret scan. Only this layer's own
/// files: `ImageInventory` merges the layers of an image into its final filesystem.
public struct LayerInventory: Sendable, Hashable, Codable {
    /// By path, then in the order the file lists them; at most `maxPackages`.
    public var packages: [InstalledPackage]
    /// By path: "etc/os-release", "usr/lib/os-release", where each is a regular file.
    public var osReleases: [String: OSRelease]
    /// Every inventory source path in the layer, sorted, whether it parsed or not (over its cap, malformed, a symlink
    /// at a recognised path): each one hides the same path in the layers below.
    public var sources: [String]
    /// "PATH: what went wrong", in archive order; at most `maxProblems`, then one line counting the rest. Never fatal.
    public var problems: [String]

    /// A layer of a million malformed package.json files costs a count, not a million lines.
    public static let maxProblems = 100
    /// Packages kept per layer, far above any real image's (a big node_modules has a few thousand): a 64 MiB status
    /// file of tiny stanzas must not cost gigabytes.
    public static let maxPackages = 100_000

    public init(packages: [InstalledPackage] = [], osReleases: [String: OSRelease] = [:], sources: [String] = [],
                problems: [String] = []) {
        self.packages = packages
        self.osReleases = osReleases
        self.sources = sources
        self.problems = problems
    }
}
