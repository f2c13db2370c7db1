/// The distribution an image is built on, from os-release(5): what selects the OSV ecosystem ("Debian:12",
/// "Alpine:v3.18") for its dpkg or apk packages.
public struct OSRelease: Sendable, Hashable, Codable {
    /// `ID`, "linux" when the file has none (os-release(5)'s default).
    public var id: String
    /// `VERSION_ID`: "12", "3.18.4".
    public var versionID: String?
    /// `VERSION_CODENAME`: "bookworm".
    public var versionCodename: String?
    /// `PRETTY_NAME`, for people.
    public var prettyName: String?

    public init(id: String, versionID: String? = nil, versionCodename: String? = nil, prettyName: String? = nil) {
        self.id = id
        self.versionID = versionID
        self.versionCodename = versionCodename
        self.prettyName = prettyName
    }
}
