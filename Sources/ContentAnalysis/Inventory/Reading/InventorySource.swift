/// A file recognised, by its path alone, as one that lists installed software. Go executables are recognised by their
/// content instead (an ELF file with Go build information), so they are not here.
enum InventorySource: Sendable, Hashable {
    /// `var/lib/dpkg/status`, or one file of distroless `var/lib/dpkg/status.d/` (one or more stanzas each).
    case dpkgStatus
    /// `lib/apk/db/installed`.
    case apkInstalled
    /// `etc/os-release`, `usr/lib/os-release`.
    case osRelease
    /// `*.dist-info/METADATA`, `*.egg-info/PKG-INFO`, or an `*.egg-info` file (as old setuptools writes).
    case pythonMetadata
    /// `node_modules/NAME/package.json`, `node_modules/@SCOPE/NAME/package.json`.
    case npmManifest
    /// An rpm database (Berkeley DB, NDB or SQLite). Not read yet: recorded as a problem, so that a tier that blocks
    /// does not take an image of rpm packages for one without packages.
    case rpmDatabase

    static let osReleasePaths: Set<String> = ["etc/os-release", "usr/lib/os-release"]
    static let rpmDatabasePaths: Set<String> = [
        "var/lib/rpm/Packages", "var/lib/rpm/Packages.db", "var/lib/rpm/rpmdb.sqlite",
        "usr/lib/sysimage/rpm/Packages", "usr/lib/sysimage/rpm/Packages.db", "usr/lib/sysimage/rpm/rpmdb.sqlite",
    ]

    /// What `path` (normalized as `LayerPath` does) is, or nil when it is none of these.
    init?(path: String) {
        let (directory, name) = LayerPath.split(path)
        switch name {
        case "status" where directory == "var/lib/dpkg":
            self = .dpkgStatus
        case _ where directory == "var/lib/dpkg/status.d" && !name.hasSuffix(".md5sums"):
            // distroless writes NAME (the stanza) and NAME.md5sums (file checksums) side by side.
            self = .dpkgStatus
        case "installed" where directory == "lib/apk/db":
            self = .apkInstalled
        case "os-release" where Self.osReleasePaths.contains(path):
            self = .osRelease
        case "METADATA" where directory.hasSuffix(".dist-info"), "PKG-INFO" where directory.hasSuffix(".egg-info"):
            self = .pythonMetadata
        case _ where name.hasSuffix(".egg-info") && name.count > ".egg-info".count:
            self = .pythonMetadata
        case "package.json" where Self.isNpmPackageRoot(directory):
            self = .npmManifest
        case _ where Self.rpmDatabasePaths.contains(path):
            self = .rpmDatabase
        default:
            return nil
        }
    }

    /// The package folder right under a `node_modules`, scoped or not: not a nested package.json such as
    /// `node_modules/foo/lib/package.json`, which describes no installed package.
    private static func isNpmPackageRoot(_ directory: String) -> Bool {
        let components = directory.split(separator: "/", omittingEmptySubsequences: false)
        let count = components.count
        func isPackageName(_ component: Substring) -> Bool {
            !component.isEmpty && !component.hasPrefix(".") && !component.hasPrefix("@") && component != "node_modules"
        }
        if count >= 2, components[count - 2] == "node_modules", isPackageName(components[count - 1]) { return true }
        return count >= 3 && components[count - 3] == "node_modules" && components[count - 2].hasPrefix("@")
            && components[count - 2].count > 1 && isPackageName(components[count - 1])
    }
}
