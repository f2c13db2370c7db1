import Foundation

/// The version orderings of the OSV ecosystems Berth can match.
public enum Ecosystems {
    /// The ordering for an OSV ecosystem name: "Debian", "Debian:12", "Alpine", "Alpine:v3.18", "PyPI", "npm", "Go",
    /// "crates.io", and "Ubuntu" (dpkg's order too). nil when unknown, Packagist, Maven and RubyGems among them, so
    /// their ranges are not matched with an order that is not theirs.
    public static func ordering(for osvEcosystem: String) -> (any VersionOrdering)? {
        // OSV writes a release after the ecosystem, "Debian:12", "Ubuntu:22.04:LTS"; the order is the ecosystem's.
        let ecosystem = osvEcosystem.prefix { $0 != ":" }
        switch ecosystem {
        case "Debian", "Ubuntu": return DebianVersionOrdering()
        case "Alpine": return AlpineVersionOrdering()
        case "PyPI": return PEP440VersionOrdering()
        case "npm", "crates.io": return SemanticVersionOrdering()
        case "Go": return SemanticVersionOrdering(acceptsLeadingV: true)
        default: return nil
        }
    }
}
