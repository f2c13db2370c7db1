/// One package installed in a layer, by its coordinates only: never any other content of the file it came from.
public struct InstalledPackage: Sendable, Hashable, Codable {
    public var kind: PackageKind
    /// dpkg and apk: the binary package's name; Python: as written in METADATA (see `normalizedPythonName`); npm: the
    /// package's name; Go: the module path, or "stdlib" for the toolchain.
    public var name: String
    /// As the database wrote it. Go: as in the build information ("v1.2.3", "(devel)"); stdlib: "v1.21.5".
    public var version: String
    /// The source package it was built from: dpkg `Source:`, apk `o:` (origin). Nil when the database names none, in
    /// which case the source is the binary package itself.
    public var sourceName: String?
    /// dpkg: the version in `Source: NAME (VERSION)`. Nil when absent: the source version is then `version`.
    public var sourceVersion: String?
    /// The file it was read from, inside the layer ("var/lib/dpkg/status", "usr/local/bin/app").
    public var path: String

    public init(kind: PackageKind, name: String, version: String, sourceName: String? = nil, sourceVersion: String? = nil,
                path: String) {
        self.kind = kind
        self.name = name
        self.version = version
        self.sourceName = sourceName
        self.sourceVersion = sourceVersion
        self.path = path
    }
}
