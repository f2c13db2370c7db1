import Foundation

/// Reads an unpacked OSV database export: a folder of `*.json` files, one record each, as osv.dev publishes per
/// ecosystem. One broken file does not lose the others: it is reported by name with the reason.
public struct OSVArchiveReader: Sendable {
    public var folder: URL

    public init(folder: URL) {
        self.folder = folder
    }

    /// Every record of the folder's `*.json` files (subfolders are not searched), in file name order, and the files
    /// that did not decode. Throws only when the folder itself cannot be listed.
    public func read() throws -> Contents {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".json") }
            .sorted()
        var contents = Contents(records: [], failures: [])
        for name in names {
            do {
                let data = try Data(contentsOf: folder.appendingPathComponent(name))
                contents.records.append(try OSVRecord.decode(data))
            } catch let error as OSVRecordError {
                contents.failures.append(FileFailure(fileName: name, reason: error.description))
            } catch {
                contents.failures.append(FileFailure(fileName: name, reason: "cannot be read: \(error.localizedDescription)"))
            }
        }
        return contents
    }
}
