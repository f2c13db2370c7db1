/// Where packages install their manuals: examples there show what credentials look like and are not credentials.
/// Only these prefixes from the root are skipped; `root/`, `etc/`, `app/`, `home/`, `srv/`, `opt/`, `var/` and every
/// other place a real credential can live are always read.
enum DocumentationPaths {
    static let prefixes = [
        "usr/share/doc/", "usr/share/man/", "usr/share/info/", "usr/share/gtk-doc/", "usr/share/help/",
        "usr/local/share/doc/", "usr/local/share/man/", "usr/local/share/info/",
    ]

    static func contains(_ path: String) -> Bool { prefixes.contains { path.hasPrefix($0) } }
}
