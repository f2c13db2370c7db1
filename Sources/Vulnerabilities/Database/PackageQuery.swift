/// An installed package to match: what an image inventory lists.
public struct PackageQuery: Sendable, Hashable {
    /// The OSV spelling, release included: "Debian:12", "Alpine:v3.18", "PyPI", "npm", "Go".
    public var ecosystem: String
    /// Debian and Alpine: the source package's name, which their advisories name.
    public var name: String
    public var version: String

    public init(ecosystem: String, name: String, version: String) {
        self.ecosystem = ecosystem
        self.name = name
        self.version = version
    }
}
