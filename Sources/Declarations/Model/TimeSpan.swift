/// A duration written as a positive integer and a unit: `45s`, `30m`, `12h`,
/// `90d`, `2w`.
public struct TimeSpan: Sendable, Hashable, Comparable, CustomStringConvertible {
    public enum Unit: Character, Sendable, Hashable, CaseIterable {
        case seconds = "s", minutes = "m", hours = "h", days = "d", weeks = "w"

        public var seconds: Int64 {
            switch self {
            case .seconds: return 1
            case .minutes: return 60
            case .hours: return 3_600
            case .days: return 86_400
            case .weeks: return 604_800
            }
        }
    }

    public let value: Int
    public let unit: Unit

    public init(value: Int, unit: Unit) {
        self.value = value
        self.unit = unit
    }

    /// Parses `<1-999999999><s|m|h|d|w>`; nil for anything else.
    public init?(_ text: String) {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8.count <= 10,
              let unit = Unit(rawValue: Character(Unicode.Scalar(utf8[utf8.count - 1]))),
              utf8[0] != UInt8(ascii: "0") else { return nil }
        var value = 0
        for byte in utf8.dropLast() {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        self.value = value
        self.unit = unit
    }

    public var totalSeconds: Int64 { Int64(value) * unit.seconds }

    public var description: String { "\(value)\(unit.rawValue)" }

    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.totalSeconds < rhs.totalSeconds }

    static let expectation = "a duration such as 45s, 30m, 12h, 90d or 2w (a positive integer followed by s, m, h, d or w)"
}
