import Foundation

/// The records of an import as its files and zip entries are read: documents are decoded in batches on every core
/// (decoding, not reading, is most of an import's time), and a batch's bytes are let go once decoded, so that memory
/// holds the records, not the export.
struct RecordReading {
    private var contents = OSVSource.Contents(records: [], failures: [])
    private var batch: [(name: String, data: Data)] = []
    private static let batchSize = 512

    mutating func read(_ file: URL) {
        if file.pathExtension == "zip" {
            ZipJSONEntries.read(
                file, entry: { name, data in add(name, data) },
                failure: { name, reason in contents.failures.append(.init(fileName: name, reason: reason)) })
            return
        }
        do {
            add(file.path, try Data(contentsOf: file))
        } catch {
            contents.failures.append(.init(fileName: file.path, reason: "cannot be read: \(error.localizedDescription)"))
        }
    }

    mutating func finish() -> OSVSource.Contents {
        decodeBatch()
        return contents
    }

    private mutating func add(_ name: String, _ data: Data) {
        batch.append((name, data))
        if batch.count == Self.batchSize { decodeBatch() }
    }

    private mutating func decodeBatch() {
        var decoded = [Result<OSVRecord, OSVRecordError>?](repeating: nil, count: batch.count)
        decoded.withUnsafeMutableBufferPointer { buffer in
            // Each iteration writes its own element only.
            nonisolated(unsafe) let results = buffer
            let documents = batch
            DispatchQueue.concurrentPerform(iterations: documents.count) { index in
                results[index] = Result { () throws(OSVRecordError) in try OSVRecord.decode(documents[index].data) }
            }
        }
        for (document, result) in zip(batch, decoded) {
            switch result {
            case .success(let record)?: contents.records.append(record)
            case .failure(let error)?: contents.failures.append(.init(fileName: document.name, reason: error.description))
            case nil: break
            }
        }
        batch.removeAll(keepingCapacity: true)
    }
}
