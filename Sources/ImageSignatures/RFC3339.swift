import Foundation

/// RFC 3339 date-times as notation writes them (Go's time.RFC3339, with or without fractional seconds).
enum RFC3339 {
    static func date(_ text: String) -> Date? {
        // A formatter per call: ISO8601DateFormatter is not Sendable, and signatures are few.
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
