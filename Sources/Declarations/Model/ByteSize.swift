/// A storage size such as `50GiB` or `500MB`.
public struct ByteSize: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let bytes: Int64
    /// The text as written in the declaration.
    public let text: String

    static let units: [(suffix: String, factor: Int64)] = [
        ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40), ("PiB", 1 << 50),
        ("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000),
        ("PB", 1_000_000_000_000_000), ("B", 1),
    ]

    static let expectation = "a size such as 500MiB, 50GiB or 2TB (a positive integer followed by B, KB, MB, GB, TB, PB, KiB, MiB, GiB, TiB or PiB)"

    public init?(_ text: String) {
        guard let unit = ByteSize.units.first(where: { text.hasSuffix($0.suffix) }) else { return nil }
        let digits = text.dropLast(unit.suffix.count)
        guard !digits.isEmpty, digits.count <= 15, digits.first != "0",
              digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let value = Int64(digits) else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: unit.factor)
        guard !overflow else { return nil }
        self.bytes = product
        self.text = text
    }

    public var description: String { text }

    /// `bytes` for a reader: binary units with one decimal where it matters (`49.8GiB`, `512MiB`, `700B`).
    public static func readable(_ bytes: Int64) -> String {
        let magnitude = bytes.magnitude
        guard magnitude >= 1024 else { return "\(bytes)B" }
        let units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(bytes) / 1024
        var unit = 0
        while abs(value) >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let rounded = (value * 10).rounded() / 10
        let number = rounded == rounded.rounded() ? String(Int64(rounded)) : String(format: "%.1f", rounded)
        return number + units[unit]
    }

    public static func < (lhs: ByteSize, rhs: ByteSize) -> Bool { lhs.bytes < rhs.bytes }
}
