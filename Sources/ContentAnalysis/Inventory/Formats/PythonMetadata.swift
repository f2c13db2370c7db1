/// A Python distribution's name and version from its core metadata (`METADATA` in a `.dist-info`, `PKG-INFO` in an
/// `.egg-info`): headers in email format (RFC 822) up to the first blank line, where the description body starts.
/// Hand-written: only `Name:` and `Version:` are needed, and the Python Packaging User Guide's "Core metadata
/// specifications" fixes them as single-line headers.
enum PythonMetadata {
    static func package(in bytes: ArraySlice<UInt8>, path: String) throws -> InstalledPackage {
        var name: String?
        var version: String?
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            let line = line.last == UInt8(ascii: "\r") ? line.dropLast() : line
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            switch String(decoding: line[..<colon], as: UTF8.self).lowercased() {
            case "name" where name == nil: name = ControlStanzas.trimmed(line[(colon + 1)...])
            case "version" where version == nil: version = ControlStanzas.trimmed(line[(colon + 1)...])
            default: break
            }
            if name != nil, version != nil { break }
        }
        guard let name, !name.isEmpty, let version, !version.isEmpty else {
            throw InventoryFileProblem("no Name and Version headers")
        }
        return InstalledPackage(kind: .python, name: name, version: version, path: path)
    }
}
