import Foundation

/// Runs of ASCII digits compared by value, however long: version numbers such as dates or dpkg's
/// 20240101123456789 overflow fixed-width integers, and a wrapped number would order wrongly.
enum DecimalDigits {
    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// By value; an empty run counts as zero, as every ecosystem here reads a missing number.
    static func compare<Digits: BidirectionalCollection<UInt8>>(_ a: Digits, _ b: Digits) -> ComparisonResult {
        let a = a.drop { $0 == UInt8(ascii: "0") }, b = b.drop { $0 == UInt8(ascii: "0") }
        // Without leading zeros, the longer run is the larger number; runs of one length order as text.
        return ComparisonResult(a.count, b.count).then(.bytes(a, b))
    }
}
