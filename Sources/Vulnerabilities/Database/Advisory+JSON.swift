import Foundation

extension Advisory {
    /// The stored form, one JSON object per advisory: what a database row holds, decoded for every advisory when the
    /// server starts.
    public func jsonData() throws -> Data {
        try JSONEncoder().encode(self)
    }

    public init(jsonData: Data) throws {
        self = try JSONDecoder().decode(Advisory.self, from: jsonData)
    }

    /// Every stored row, in order, decoded on every core: what the server does at start. Throws the first row's error
    /// in row order, with its position.
    public static func decode(rows: [Data]) throws -> [Advisory] {
        var decoded = [Result<Advisory, any Error>?](repeating: nil, count: rows.count)
        decoded.withUnsafeMutableBufferPointer { buffer in
            // Each iteration writes its own element only.
            nonisolated(unsafe) let results = buffer
            let chunk = 256
            DispatchQueue.concurrentPerform(iterations: (rows.count + chunk - 1) / chunk) { part in
                for index in part * chunk..<min(rows.count, (part + 1) * chunk) {
                    results[index] = Result { try Advisory(jsonData: rows[index]) }
                }
            }
        }
        return try decoded.enumerated().map { index, result in
            do {
                return try result!.get()
            } catch {
                throw AdvisoryRowError(row: index, underlying: "\(error)")
            }
        }
    }
}

/// A stored advisory row that does not decode: the store was written by another version, or damaged.
public struct AdvisoryRowError: Error, Sendable, CustomStringConvertible {
    public var row: Int
    public var underlying: String

    public var description: String { "stored advisory \(row) does not decode: \(underlying)" }
}
