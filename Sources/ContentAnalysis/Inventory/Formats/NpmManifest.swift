import Foundation

/// An installed npm package's name and version, from the `package.json` at its root under `node_modules`.
enum NpmManifest {
    /// Nil for a manifest without both a string `name` and a string `version` (a workspace folder, a stub).
    static func package(in bytes: ArraySlice<UInt8>, path: String) throws -> InstalledPackage? {
        // JSONSerialization rather than a Decodable type: a field of an unexpected type is then "absent", not an error.
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) else {
            throw InventoryFileProblem("not JSON")
        }
        guard let manifest = object as? [String: Any], let name = manifest["name"] as? String, !name.isEmpty,
              let version = manifest["version"] as? String, !version.isEmpty else { return nil }
        return InstalledPackage(kind: .npm, name: name, version: version, path: path)
    }
}
