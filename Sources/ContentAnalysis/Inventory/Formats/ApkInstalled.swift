/// The packages apk has installed, from `lib/apk/db/installed`.
///
/// Hand-written: the package mirror has no Swift library for it. The format, as apk-tools' database code writes it
/// and the Alpine wiki's "Apk spec" page documents it: records separated by blank lines, one `K:value` line per
/// field with a single-letter key; `P` is the package name, `V` its version, `o` its origin (the source package, the
/// APKBUILD it was built from). Other keys (file lists, checksums) are skipped, as are lines that are not `K:`.
enum ApkInstalled {
    /// At most `limit` packages, in file order.
    static func packages(in bytes: ArraySlice<UInt8>, path: String, limit: Int) -> [InstalledPackage] {
        var packages: [InstalledPackage] = []
        var name: String?
        var version: String?
        var origin: String?
        func endRecord() {
            if let name, !name.isEmpty, let version, !version.isEmpty {
                packages.append(InstalledPackage(kind: .apk, name: name, version: version, sourceName: origin, path: path))
            }
            (name, version, origin) = (nil, nil, nil)
        }
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            let line = line.last == UInt8(ascii: "\r") ? line.dropLast() : line
            if line.isEmpty {
                endRecord()
                if packages.count >= limit { return packages }
                continue
            }
            guard line.count >= 2, line[line.startIndex + 1] == UInt8(ascii: ":") else { continue }
            let value = String(decoding: line.dropFirst(2), as: UTF8.self)
            switch line[line.startIndex] {
            case UInt8(ascii: "P") where name == nil: name = value
            case UInt8(ascii: "V") where version == nil: version = value
            case UInt8(ascii: "o") where origin == nil: origin = value.isEmpty ? nil : value
            default: break
            }
        }
        endRecord()
        return Array(packages.prefix(limit))
    }
}
