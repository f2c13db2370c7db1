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

    /// The `.json` and `.zip` files under `folder`, at any depth, sorted by path.
    private static func exportFiles(in folder: URL) throws -> [URL] {
        var failure: (any Error)?
        guard
            let walk = FileManager.default.enumerator(
                at: folder, includingPropertiesForKeys: [.isRegularFileKey], errorHandler: { _, error in
                    failure = error
                    return false
                })
        else { throw OSVSourceError(path: folder.path, problem: "cannot be listed") }
        var files: [URL] = []
        for case let file as URL in walk where isExportFile(file) {
            if (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { files.append(file) }
        }
        if let failure { throw OSVSourceError(path: folder.path, problem: "cannot be listed: \(failure.localizedDescription)") }
        return files.sorted { $0.path < $1.path }
    }
}
