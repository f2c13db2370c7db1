import Foundation

/// Reads OSV database exports for `berth vulndb import`: folders of `*.json` records (searched recursively, with the
/// `*.zip` files in them), the per-ecosystem `all.zip` files osv.dev publishes (a flat zip of `<ID>.json`, streamed,
/// never extracted), and single `.json` files. One broken file or zip entry does not lose the others: it is reported
/// by name with the reason.
public enum OSVSource {
    /// Every record of `paths`, in order: each path's files by path name, a zip's entries in the zip's order. Throws
    /// only when a path does not exist, is neither a folder nor a `.json` or `.zip` file, or a folder cannot be listed.
    public static func read(_ paths: [URL]) throws -> Contents {
        var reading = RecordReading()
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isFolder) else {
                throw OSVSourceError(path: path.path, problem: "does not exist")
            }
            if isFolder.boolValue {
                for file in try exportFiles(in: path) { reading.read(file) }
            } else if isExportFile(path) {
                reading.read(path)
            } else {
                throw OSVSourceError(path: path.path, problem: "is neither a folder nor a .json or .zip file")
            }
        }
        return reading.finish()
    }

    private static func isExportFile(_ file: URL) -> Bool {
        file.pathExtension == "json" || file.pathExtension == "zip"
    }

    /// The `.json` and `.zip` files under `folder`, at any depth, sorted by path. Walked as path strings: asking each
    /// URL for its resource values took longer than reading the files. Something else with such a name (a folder
    /// "x.json") is reported as a file that cannot be read.
    private static func exportFiles(in folder: URL) throws -> [URL] {
        do {
            _ = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw OSVSourceError(path: folder.path, problem: "cannot be listed: \(error.localizedDescription)")
        }
        guard let walk = FileManager.default.enumerator(atPath: folder.path) else {
            throw OSVSourceError(path: folder.path, problem: "cannot be listed")
        }
        var names: [String] = []
        while let name = walk.nextObject() as? String {
            if name.hasSuffix(".json") || name.hasSuffix(".zip") { names.append(name) }
        }
        return names.sorted().map { folder.appendingPathComponent($0) }
    }
}
