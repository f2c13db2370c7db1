/// Values that look like a secret but are documentation or templates: AWS's published example keys, `xxxx…` fillers,
/// template variables, and words people write where the real value goes. Checked on a match's secret part.
enum Placeholder {
    /// Lowercase fragments that no generated credential contains but examples and templates do.
    static let fragments = [
        "example", "changeme", "change_me", "change-me", "placeholder", "dummy", "redacted", "sample", "your_", "your-",
        "yourpass", "xxxx", "****", "....", "${", "{{", "%(", "password", "passwd", "insert", "replace", "<",
    ]

    private static let fragmentBytes = fragments.map { Array($0.utf8) }

    static func matches(_ secret: [UInt8]) -> Bool {
        let lowered = secret.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
        if distinctBytes(lowered) < 3 { return true }
        if let first = lowered.first, first == UInt8(ascii: "$") || first == UInt8(ascii: "%") { return true }
        return lowered.withUnsafeBufferPointer { bytes in fragmentBytes.contains { contains(bytes, $0) } }
    }

    private static func distinctBytes(_ bytes: [UInt8]) -> Int {
        var seen = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        for byte in bytes {
            let bit = UInt64(1) << (byte & 63)
            switch byte >> 6 {
            case 0: seen.0 |= bit
            case 1: seen.1 |= bit
            case 2: seen.2 |= bit
            default: seen.3 |= bit
            }
        }
        return seen.0.nonzeroBitCount + seen.1.nonzeroBitCount + seen.2.nonzeroBitCount + seen.3.nonzeroBitCount
    }

    /// A plain search over concrete bytes: secrets are short, and the generic `firstRange(of:)` ran unspecialized.
    private static func contains(_ bytes: UnsafeBufferPointer<UInt8>, _ fragment: [UInt8]) -> Bool {
        guard fragment.count <= bytes.count else { return false }
        return fragment.withUnsafeBufferPointer { fragment in
            (0...bytes.count - fragment.count).contains { start in
                fragment.indices.allSatisfy { bytes[start + $0] == fragment[$0] }
            }
        }
    }
}
