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
}
