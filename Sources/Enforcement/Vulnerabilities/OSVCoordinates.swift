import ContentAnalysis
import Vulnerabilities

/// How an inventoried package is named in OSV: the ecosystem (with the distribution's release for OS packages), the
/// package name the database uses (the source package, for dpkg and apk) and the version to compare.
enum OSVCoordinates {
    /// The OSV ecosystem of `kind` in an image of `distribution`; nil when OSV has no ecosystem for it this matcher
    /// knows (an OS package of an unknown distribution, or one without a release: Debian testing, Alpine edge).
    static func ecosystem(of kind: PackageKind, in distribution: OSRelease?) -> String? {
        switch kind {
        case .python: return "PyPI"
        case .npm: return "npm"
        case .go: return "Go"
        case .dpkg:
            guard let distribution, let release = distribution.versionID, !release.isEmpty else { return nil }
            switch distribution.id {
            case "debian": return "Debian:\(release.prefix { $0 != "." })"
            // OSV names Ubuntu's long-term releases "Ubuntu:22.04:LTS" and the others "Ubuntu:23.10".
            case "ubuntu": return "Ubuntu:\(release)" + ((distribution.prettyName ?? "").contains("LTS") ? ":LTS" : "")
            default: return nil
            }
        case .apk:
            guard let distribution, distribution.id == "alpine", let release = distribution.versionID else { return nil }
            let parts = release.split(separator: ".")
            guard parts.count >= 2 else { return nil }
            return "Alpine:v\(parts[0]).\(parts[1])"
        }
    }

    /// The query for `package` in `ecosystem`; nil for what cannot be matched by version at all (a Go main module built
    /// from a working tree, "(devel)").
    static func query(for package: InstalledPackage, ecosystem: String) -> PackageQuery? {
        switch package.kind {
        case .dpkg, .apk:
            return PackageQuery(ecosystem: ecosystem, name: package.sourceName ?? package.name,
                                version: package.sourceVersion ?? package.version)
        case .go:
            guard package.version != "(devel)" else { return nil }
            return PackageQuery(ecosystem: ecosystem, name: package.name, version: package.version)
        case .python, .npm:
            return PackageQuery(ecosystem: ecosystem, name: package.name, version: package.version)
        }
    }
}
