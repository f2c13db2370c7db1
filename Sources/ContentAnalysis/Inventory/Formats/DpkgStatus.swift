import Foundation

/// The packages dpkg has installed, from its status database (`var/lib/dpkg/status`) or one distroless
/// `var/lib/dpkg/status.d/` file, in the deb822 format `ControlStanzas` reads.
///
/// Fields as dpkg(1) and deb-control(5) define them: `Package`, `Version`, `Status: WANT FLAG STATE` (only STATE
/// `installed` is installed: `deinstall ok config-files`, `install ok half-installed`, `purge ok not-installed` are
/// not), and `Source: NAME` or `Source: NAME (VERSION)` when the source package's name or version differs from the
/// binary's.
enum DpkgStatus {
    /// At most `limit` packages, in file order.
    static func packages(in bytes: ArraySlice<UInt8>, path: String, limit: Int) -> [InstalledPackage] {
        var packages: [InstalledPackage] = []
        ControlStanzas.forEach(in: bytes, fields: ["package", "version", "status", "source"]) { stanza in
            guard let name = stanza["package"], !name.isEmpty, let version = stanza["version"], !version.isEmpty,
                  isInstalled(stanza["status"]) else { return true }
            let source = stanza["source"].map(parseSource)
            packages.append(InstalledPackage(kind: .dpkg, name: name, version: version, sourceName: source?.name,
                                             sourceVersion: source?.version, path: path))
            return packages.count < limit
        }
        return packages
    }

    /// distroless status.d stanzas carry no Status: a file there exists only for an installed package.
    private static func isInstalled(_ status: String?) -> Bool {
        guard let status else { return true }
        let words = status.split(whereSeparator: { $0 == " " || $0 == "\t" })
        return words.count == 3 && words[2] == "installed"
    }

    /// "glibc (2.36-9+deb12u4)" → ("glibc", "2.36-9+deb12u4"); "glibc" → ("glibc", nil).
    private static func parseSource(_ value: String) -> (name: String, version: String?) {
        guard let open = value.firstIndex(of: "(") else { return (value, nil) }
        let name = value[..<open].trimmingCharacters(in: .whitespaces)
        let rest = value[value.index(after: open)...]
        let version = rest.firstIndex(of: ")").map { rest[..<$0] }?.trimmingCharacters(in: .whitespaces)
        return (name, version?.isEmpty == false ? version : nil)
    }
}
