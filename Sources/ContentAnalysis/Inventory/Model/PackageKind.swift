/// The package ecosystem an installed package belongs to: which database or file it was read from, and so which OSV
/// ecosystem and version ordering a matcher applies to it.
public enum PackageKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Debian and Ubuntu: `var/lib/dpkg/status`, distroless `var/lib/dpkg/status.d/*`.
    case dpkg
    /// Alpine: `lib/apk/db/installed`.
    case apk
    /// `*.dist-info/METADATA`, `*.egg-info/PKG-INFO`, `*.egg-info`.
    case python
    /// `node_modules/NAME/package.json`, `node_modules/@SCOPE/NAME/package.json`.
    case npm
    /// Modules in a Go executable's build information, and its toolchain as `stdlib`.
    case go
}
