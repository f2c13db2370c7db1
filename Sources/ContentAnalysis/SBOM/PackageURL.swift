/// Package URLs (https://github.com/package-url/purl-spec), the identifiers SBOM consumers match packages by. Written
/// here because no Swift library for them is in the package mirror; only the types Berth inventories.
enum PackageURL {
    /// `pkg:deb/debian/openssl@3.0.11-1~deb12u2?distro=debian-12`, `pkg:pypi/requests@2.31.0`,
    /// `pkg:npm/%40babel/core@7.0.0`, `pkg:golang/golang.org/x/net@v0.17.0`; nil for what has no purl (a Go main module
    /// built from a working tree).
    static func of(_ package: InstalledPackage, distribution: OSRelease?) -> String? {
        switch package.kind {
        case .dpkg:
            let vendor = distribution?.id ?? "debian"
            return "pkg:deb/\(encoded(vendor))/\(encoded(package.name))@\(encoded(package.version))" + distro(distribution)
        case .apk:
            let vendor = distribution?.id ?? "alpine"
            return "pkg:apk/\(encoded(vendor))/\(encoded(package.name))@\(encoded(package.version))" + distro(distribution)
        case .python:
            return "pkg:pypi/\(encoded(package.normalizedPythonName ?? package.name))@\(encoded(package.version))"
        case .npm:
            let segments = package.name.split(separator: "/", omittingEmptySubsequences: false).map { encoded(String($0)) }
            return "pkg:npm/\(segments.joined(separator: "/"))@\(encoded(package.version))"
        case .go:
            guard package.version != "(devel)" else { return nil }
            let segments = package.name.split(separator: "/").map { encoded(String($0)) }
            return "pkg:golang/\(segments.joined(separator: "/"))@\(encoded(package.version))"
        }
    }

    private static func distro(_ distribution: OSRelease?) -> String {
        guard let distribution, let release = distribution.versionID else { return "" }
        return "?distro=\(encoded("\(distribution.id)-\(release)"))"
    }

    /// Percent-encodes all but the unreserved characters (RFC 3986), as the purl spec asks of each component.
    static func encoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
