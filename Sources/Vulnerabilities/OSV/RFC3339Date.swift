import Foundation

/// OSV timestamps are RFC 3339 in UTC, with or without fractional seconds ("2024-03-01T12:00:00Z",
/// "2024-03-01T12:00:00.123456Z"); one ISO 8601 style accepts only one of the two forms, so both are tried.
enum RFC3339Date {
    static func parse(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
        return try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
    }

    static func decodeIfPresent<Key: CodingKey>(from container: KeyedDecodingContainer<Key>, forKey key: Key) throws -> Date? {
        guard let text = try container.decodeIfPresent(String.self, forKey: key) else { return nil }
        guard let date = parse(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "\"\(text)\" is not an RFC 3339 timestamp")
        }
        return date
    }
}
