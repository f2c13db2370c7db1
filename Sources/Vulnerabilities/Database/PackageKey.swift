/// What advisories are filed under: an ecosystem as written (release included) and a package name compared the way
/// its ecosystem compares names.
struct PackageKey: Sendable, Hashable {
    var ecosystem: String
    var name: String

    init(ecosystem: String, name: String) {
        self.ecosystem = ecosystem
        self.name = Self.comparableName(name, ecosystem: ecosystem)
    }

    /// The ecosystem without its release ("Debian" for "Debian:12"); nil when it has none.
    var withoutRelease: PackageKey? {
        guard let colon = ecosystem.firstIndex(of: ":") else { return nil }
        var key = self
        key.ecosystem = String(ecosystem[..<colon])
        return key
    }

    /// PyPI compares names as PEP 503 normalises them: lowercase, each run of "-", "_" and "." one "-". Every other
    /// ecosystem Berth matches compares them exactly (npm and Go names are case-sensitive; Debian's and Alpine's
    /// are lowercase by policy).
    static func comparableName(_ name: String, ecosystem: String) -> String {
        guard ecosystem == "PyPI" else { return name }
        var normalized = ""
        var previousWasSeparator = false
        for character in name.lowercased() {
            let isSeparator = character == "-" || character == "_" || character == "."
            if isSeparator {
                if !previousWasSeparator { normalized.append("-") }
            } else {
                normalized.append(character)
            }
            previousWasSeparator = isSeparator
        }
        return normalized
    }
}
